use clap::Parser;
use cognate_server::config::{Cli, Command, Settings};
use cognate_server::{telemetry, Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if cli.command == Some(Command::GenerateMasterKey) {
        println!("{}", domain::crypto::MasterKey::generate().to_base64());
        return Ok(());
    }
    let settings = match Settings::load(&cli.flags, std::env::vars()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cognate: configuration error: {e}");
            std::process::exit(2);
        }
    };
    telemetry::init(&settings.log, settings.log_format);
    if let Some(Command::RotateSigningKey { pool_id }) = &cli.command {
        let kid = cognate_server::startup::rotate_signing_key(&settings, pool_id).await?;
        println!("new signing key {kid} for {pool_id}");
        return Ok(());
    }
    let app = Application::build(settings).await?;
    app.run_until_stopped(telemetry::shutdown_signal()).await
}
