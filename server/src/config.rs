//! Configuration: one `Settings` tree built from defaults, then an optional TOML file
//! (`--config`), then `COGNATE_*` environment variables, then command-line flags.
//! Every value is parsed into its real type here, at start-up; a bad or unknown key
//! stops start-up with a message naming it. Nothing reads `std::env` after this.

use clap::{Args, Parser, Subcommand};
use domain::crypto::MasterKey;
use domain::pool::Region;
use domain::secret::{Password, SecretString};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// One configuration key: its name in TOML (the env name is `COGNATE_` + upper case).
pub struct Key {
    /// TOML name.
    pub name: &'static str,
    /// Default, as text; `None` when the key is optional or derived.
    pub default: Option<&'static str>,
    /// One-line description (README table and `--help`).
    pub help: &'static str,
    /// Whether a command-line flag exists (secrets are never flags: they'd show in `ps`).
    pub flag: bool,
}

/// Every key Cognate understands.
pub const KEYS: &[Key] = &[
    Key { name: "listen", default: Some("127.0.0.1:8080"), help: "address:port to listen on", flag: true },
    Key { name: "public_url", default: None, help: "external base URL used in issuers and links sent to users (default http://<listen>); never taken from request headers", flag: true },
    Key { name: "data_dir", default: Some("./cognate-data"), help: "directory for the SQLite database and the generated master key", flag: true },
    Key { name: "database_url", default: None, help: "sqlite://... or postgres://... (default: sqlite://<data_dir>/cognate.db)", flag: true },
    Key { name: "log", default: Some("info"), help: "tracing filter, e.g. info,cognate_server=debug", flag: true },
    Key { name: "log_format", default: Some("text"), help: "text or json", flag: true },
    Key { name: "region", default: Some("us-east-1"), help: "region used in Cognito-style ids", flag: true },
    Key { name: "smtp_url", default: None, help: "smtps://user:pass@host[:port] (implicit TLS) or smtp://host:port (plain, local relay); unset: development mailbox", flag: true },
    Key { name: "email_from", default: None, help: "From address of outgoing mail", flag: true },
    Key { name: "sns_endpoint", default: None, help: "Amazon SNS (or SNS-compatible) endpoint that sends SMS with Publish, e.g. https://sns.us-east-1.amazonaws.com; unset: SMS go to the development mailbox", flag: true },
    Key { name: "sns_region", default: None, help: "region SNS requests are signed for (default: region)", flag: true },
    Key { name: "sns_access_key_id", default: None, help: "AWS access key id for SNS (unset: requests are not signed)", flag: false },
    Key { name: "sns_secret_access_key", default: None, help: "the secret of that key", flag: false },
    Key { name: "master_key", default: None, help: "32 bytes, base64: encrypts secrets at rest (unset: <data_dir>/master.key, generated on first start)", flag: false },
    Key { name: "site_dir", default: Some("target/site"), help: "directory with the built console assets (pkg/cognate.js, .wasm, .css)", flag: true },
    Key { name: "session_idle_timeout", default: Some("1800"), help: "console session idle timeout, seconds", flag: true },
    Key { name: "session_absolute_timeout", default: Some("43200"), help: "console session absolute timeout, seconds", flag: true },
    Key { name: "prefix_domain_suffix", default: None, help: "parent domain of prefix pool domains: <prefix>.<suffix> serves that pool's hosted pages (default auth.<public_url host>)", flag: true },
    Key { name: "password_hash_workers", default: None, help: "argon2id worker threads (default: one per core)", flag: true },
    Key { name: "password_hash_wait_budget", default: Some("2000"), help: "milliseconds a sign-in or sign-up may wait for a password-hashing worker; a request that would wait longer gets TooManyRequestsException at once", flag: true },
    Key { name: "trusted_proxies", default: None, help: "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client (default: none; the socket peer is the source)", flag: true },
    Key { name: "failed_sign_ins_per_source", default: Some("30"), help: "failed sign-ins one source address (an IPv6 /64) may make per minute; then TooManyRequestsException (0: no limit)", flag: true },
    Key { name: "failed_sign_ins_per_minute", default: Some("3000"), help: "failed sign-ins the server accepts per minute from all sources together (0: no limit)", flag: true },
    Key { name: "code_requests_per_source", default: Some("10"), help: "requests that send a code (SignUp, ResendConfirmationCode, ForgotPassword, GetUserAttributeVerificationCode) one source may make per minute (0: no limit)", flag: true },
    Key { name: "code_requests_per_minute", default: Some("600"), help: "code-sending requests the server accepts per minute from all sources together (0: no limit)", flag: true },
    Key { name: "header_read_timeout", default: Some("10"), help: "seconds a connection may take to send a request's headers (also how long an idle keep-alive connection stays open)", flag: true },
    Key { name: "request_timeout", default: Some("30"), help: "seconds a request may take before it is answered 408 and dropped", flag: true },
    Key { name: "max_connections", default: Some("10000"), help: "open connections served at once; further connections wait in the kernel's backlog", flag: true },
    Key { name: "database_acquire_timeout", default: Some("2"), help: "seconds a request waits for a database connection before it fails (InternalErrorException); keeps requests fast while the database is away", flag: true },
    Key { name: "bootstrap_operator_email", default: None, help: "creates the first console operator when none exists", flag: false },
    Key { name: "bootstrap_operator_password", default: None, help: "password of that operator (at least 12 characters)", flag: false },
    Key { name: "bootstrap_access_key_id", default: None, help: "registers an admin API key pair for SigV4-signed Cognito admin calls", flag: false },
    Key { name: "bootstrap_secret_access_key", default: None, help: "the secret of that key pair (at least 16 characters)", flag: false },
];

/// Environment variables with the prefix that are not configuration (used by the test suite).
const ENV_IGNORED_PREFIXES: &[&str] = &["COGNATE_TEST_"];

#[derive(Parser, Debug)]
#[command(
    name = "cognate",
    version,
    about = "Cognate: a self-hosted identity platform that speaks Amazon Cognito's API.",
    after_long_help = env_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub flags: Flags,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Print a new random master key (base64) for COGNATE_MASTER_KEY.
    GenerateMasterKey,
    /// Rotate a user pool's token signing key. The old key stays in the JWKS for a day,
    /// so tokens it signed verify until they expire. Uses the same configuration as serve.
    RotateSigningKey {
        /// The user pool id.
        #[arg(long)]
        pool_id: String,
    },
}

/// Flags; each overrides the same key from the environment and the file.
#[derive(Args, Debug, Default, Clone)]
pub struct Flags {
    /// TOML configuration file (keys as in the table below, lower case).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address:port to listen on [env: COGNATE_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, global = true)]
    pub listen: Option<String>,
    /// External base URL [env: COGNATE_PUBLIC_URL] [default: http://<listen>]
    #[arg(long, global = true)]
    pub public_url: Option<String>,
    /// Data directory [env: COGNATE_DATA_DIR] [default: ./cognate-data]
    #[arg(long, global = true)]
    pub data_dir: Option<String>,
    /// sqlite://... or postgres://... [env: COGNATE_DATABASE_URL]
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Tracing filter [env: COGNATE_LOG] [default: info]
    #[arg(long, global = true)]
    pub log: Option<String>,
    /// text or json [env: COGNATE_LOG_FORMAT] [default: text]
    #[arg(long, global = true)]
    pub log_format: Option<String>,
    /// Region used in ids [env: COGNATE_REGION] [default: us-east-1]
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Outgoing mail server [env: COGNATE_SMTP_URL]
    #[arg(long, global = true)]
    pub smtp_url: Option<String>,
    /// From address of outgoing mail [env: COGNATE_EMAIL_FROM]
    #[arg(long, global = true)]
    pub email_from: Option<String>,
    /// Built console assets [env: COGNATE_SITE_DIR] [default: target/site]
    #[arg(long, global = true)]
    pub site_dir: Option<String>,
    /// Console idle timeout, seconds [env: COGNATE_SESSION_IDLE_TIMEOUT] [default: 1800]
    #[arg(long, global = true)]
    pub session_idle_timeout: Option<String>,
    /// Console absolute timeout, seconds [env: COGNATE_SESSION_ABSOLUTE_TIMEOUT] [default: 43200]
    #[arg(long, global = true)]
    pub session_absolute_timeout: Option<String>,
}

impl Flags {
    fn values(&self) -> Vec<(&'static str, Option<&String>)> {
        vec![
            ("listen", self.listen.as_ref()),
            ("public_url", self.public_url.as_ref()),
            ("data_dir", self.data_dir.as_ref()),
            ("database_url", self.database_url.as_ref()),
            ("log", self.log.as_ref()),
            ("log_format", self.log_format.as_ref()),
            ("region", self.region.as_ref()),
            ("smtp_url", self.smtp_url.as_ref()),
            ("email_from", self.email_from.as_ref()),
            ("site_dir", self.site_dir.as_ref()),
            ("session_idle_timeout", self.session_idle_timeout.as_ref()),
            ("session_absolute_timeout", self.session_absolute_timeout.as_ref()),
        ]
    }
}

fn env_help() -> String {
    let mut s = String::from("Configuration keys (TOML name / environment variable):\n");
    for k in KEYS {
        s.push_str(&format!(
            "  {:<28} COGNATE_{:<28} {}{}\n",
            k.name,
            k.name.to_uppercase(),
            k.help,
            k.default.map(|d| format!(" [default: {d}]")).unwrap_or_default()
        ));
    }
    s.push_str("\nPrecedence: defaults < --config file < COGNATE_* environment < flags.\n");
    s
}

/// The SMTP server URL; it may carry a password, so `Debug` hides it.
#[derive(Clone)]
pub struct SmtpUrl(pub Url);

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut u = self.0.clone();
        if u.password().is_some() {
            let _ = u.set_password(Some("redacted"));
        }
        write!(f, "SmtpUrl({u})")
    }
}

/// Output format of logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The fully parsed configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub public_url: Url,
    pub data_dir: PathBuf,
    /// May hold a password: never logged as is (see [`Settings::database_url_redacted`]).
    pub database_url: SecretString,
    pub log: String,
    pub log_format: LogFormat,
    pub region: Region,
    pub smtp_url: Option<SmtpUrl>,
    pub email_from: Option<String>,
    /// SNS endpoint, signing region and credentials for SMS.
    pub sns_endpoint: Option<Url>,
    pub sns_region: Option<String>,
    pub sns_credentials: Option<(String, SecretString)>,
    pub master_key: Option<MasterKey>,
    pub site_dir: PathBuf,
    pub session_idle_timeout: Duration,
    pub session_absolute_timeout: Duration,
    /// Parent domain of prefix pool domains.
    pub prefix_domain_suffix: String,
    /// argon2id worker threads and how many jobs may wait for one.
    pub password_hash_workers: usize,
    pub password_hash_wait_budget: Duration,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<crate::http::client_ip::Cidr>,
    /// Rate limits by source and in all.
    pub limits: domain::limits::LimitSettings,
    pub header_read_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: usize,
    pub database_acquire_timeout: Duration,
    pub bootstrap_operator: Option<(String, Password)>,
    pub bootstrap_admin_key: Option<(String, SecretString)>,
}

/// A configuration problem, naming the key and where its value came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown configuration key {key:?} in {source_name}")]
    UnknownKey { key: String, source_name: String },
    #[error("invalid value for {key} (from {source_name}): {reason}")]
    Invalid { key: &'static str, source_name: String, reason: String },
    #[error("cannot read configuration file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("{0}")]
    Pair(String),
}

struct Layered {
    values: BTreeMap<&'static str, (String, String)>, // key -> (value, source)
}

impl Layered {
    fn set(&mut self, key: &'static str, value: String, source: String) {
        self.values.insert(key, (value, source));
    }

    fn raw(&self, key: &'static str) -> Option<(&str, &str)> {
        self.values.get(key).map(|(v, s)| (v.as_str(), s.as_str()))
    }

    fn parse<T>(&self, key: &'static str, f: impl FnOnce(&str) -> Result<T, String>) -> Result<Option<T>, ConfigError> {
        match self.raw(key) {
            None => Ok(None),
            Some((v, source)) => {
                f(v).map(Some).map_err(|reason| ConfigError::Invalid { key, source_name: source.to_owned(), reason })
            }
        }
    }

    fn required<T>(&self, key: &'static str, f: impl FnOnce(&str) -> Result<T, String>) -> Result<T, ConfigError> {
        self.parse(key, f)?.ok_or_else(|| ConfigError::Invalid {
            key,
            source_name: "defaults".into(),
            reason: "missing".into(),
        })
    }
}

fn known(name: &str) -> Option<&'static str> {
    KEYS.iter().find(|k| k.name == name).map(|k| k.name)
}

fn toml_value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Settings {
    /// Builds the settings from the layers, reading the environment from `env`.
    pub fn load(flags: &Flags, env: impl IntoIterator<Item = (String, String)>) -> Result<Settings, ConfigError> {
        let mut l = Layered { values: BTreeMap::new() };
        for k in KEYS {
            if let Some(d) = k.default {
                l.set(k.name, d.to_owned(), "defaults".into());
            }
        }
        if let Some(path) = &flags.config {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::File { path: path.display().to_string(), reason: e.to_string() })?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::File {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            for (k, v) in table {
                let key = known(&k).ok_or_else(|| ConfigError::UnknownKey {
                    key: k.clone(),
                    source_name: path.display().to_string(),
                })?;
                l.set(key, toml_value_text(&v), format!("{}", path.display()));
            }
        }
        for (name, value) in env {
            let Some(rest) = name.strip_prefix("COGNATE_") else {
                continue;
            };
            if ENV_IGNORED_PREFIXES.iter().any(|p| name.starts_with(p)) {
                continue;
            }
            let key = known(&rest.to_lowercase())
                .ok_or_else(|| ConfigError::UnknownKey { key: name.clone(), source_name: "the environment".into() })?;
            l.set(key, value, format!("environment variable {name}"));
        }
        for (key, value) in flags.values() {
            if let Some(v) = value {
                l.set(key, v.clone(), format!("flag --{}", key.replace('_', "-")));
            }
        }
        Self::from_layers(&l)
    }

    fn from_layers(l: &Layered) -> Result<Settings, ConfigError> {
        let listen: SocketAddr =
            l.required("listen", |v| v.parse().map_err(|e| format!("{e}; expected address:port like 127.0.0.1:8080")))?;
        let public_url = match l.parse("public_url", parse_public_url)? {
            Some(u) => u,
            None => {
                let host = if listen.ip().is_unspecified() { "localhost".to_owned() } else { listen.ip().to_string() };
                let host = if listen.is_ipv6() && !listen.ip().is_unspecified() { format!("[{host}]") } else { host };
                parse_public_url(&format!("http://{host}:{}", listen.port())).map_err(|reason| {
                    ConfigError::Invalid { key: "public_url", source_name: "derived from listen".into(), reason }
                })?
            }
        };
        let data_dir = PathBuf::from(l.required("data_dir", non_empty)?);
        let database_url = match l.parse("database_url", |v| {
            if store::Backend::from_url(v).is_some() {
                Ok(v.to_owned())
            } else {
                Err("must start with sqlite: or postgres://".into())
            }
        })? {
            Some(u) => u,
            None => format!("sqlite://{}", data_dir.join("cognate.db").display()),
        };
        let log = l.required("log", non_empty)?;
        tracing_subscriber::EnvFilter::try_new(&log).map_err(|e| ConfigError::Invalid {
            key: "log",
            source_name: l.raw("log").map(|(_, s)| s.to_owned()).unwrap_or_default(),
            reason: e.to_string(),
        })?;
        let log_format = l.required("log_format", |v| match v {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err("expected text or json".into()),
        })?;
        let region = l.required("region", |v| Region::parse(v).map_err(|e| e.to_string()))?;
        let smtp_url = l.parse("smtp_url", |v| {
            let u = Url::parse(v).map_err(|e| e.to_string())?;
            match u.scheme() {
                "smtp" | "smtps" => Ok(SmtpUrl(u)),
                s => Err(format!("scheme must be smtp or smtps, not {s}")),
            }
        })?;
        let email_from = l.parse("email_from", |v| {
            domain::operator::Email::parse(v).map(|_| v.trim().to_owned()).map_err(|e| e.to_string())
        })?;
        let sns_endpoint = l.parse("sns_endpoint", |v| {
            let u = Url::parse(v).map_err(|e| e.to_string())?;
            match u.scheme() {
                "http" | "https" if u.host_str().is_some() => Ok(u),
                _ => Err("expected an http(s) URL".into()),
            }
        })?;
        let sns_region =
            l.parse("sns_region", |v| Region::parse(v).map(|r| r.as_str().to_owned()).map_err(|e| e.to_string()))?;
        let sns_credentials =
            pair(l, "sns_access_key_id", "sns_secret_access_key")?.map(|(k, s)| (k, SecretString::new(s)));
        let master_key = l.parse("master_key", |v| MasterKey::parse(v).map_err(|e| e.to_string()))?;
        let site_dir = PathBuf::from(l.required("site_dir", non_empty)?);
        let seconds = |v: &str| -> Result<Duration, String> {
            let n: u64 = v.trim().parse().map_err(|_| "expected a whole number of seconds".to_owned())?;
            if n == 0 {
                return Err("must be at least 1 second".into());
            }
            Ok(Duration::from_secs(n))
        };
        let session_idle_timeout = l.required("session_idle_timeout", seconds)?;
        let session_absolute_timeout = l.required("session_absolute_timeout", seconds)?;
        let prefix_domain_suffix = l
            .parse("prefix_domain_suffix", |v| {
                let v = v.trim().trim_matches('.').to_ascii_lowercase();
                let ok = !v.is_empty()
                    && v.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
                if ok {
                    Ok(v)
                } else {
                    Err("expected a DNS name such as auth.example.com".into())
                }
            })?
            .unwrap_or_else(|| format!("auth.{}", public_url.host_str().unwrap_or("localhost")));
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let count = |max: usize| {
            move |v: &str| -> Result<usize, String> {
                let n: usize = v.trim().parse().map_err(|_| "expected a whole number".to_owned())?;
                if n > max {
                    return Err(format!("must be at most {max}"));
                }
                Ok(n)
            }
        };
        let password_hash_workers = l
            .parse("password_hash_workers", |v| {
                count(256)(v).and_then(|n| if n == 0 { Err("must be at least 1".into()) } else { Ok(n) })
            })?
            .unwrap_or(cores);
        let password_hash_wait_budget = l.required("password_hash_wait_budget", |v| {
            let n: u64 = v.trim().parse().map_err(|_| "expected a whole number of milliseconds".to_owned())?;
            if !(10..=60_000).contains(&n) {
                return Err("must be between 10 and 60000 milliseconds".into());
            }
            Ok(Duration::from_millis(n))
        })?;
        let trusted_proxies = l
            .parse("trusted_proxies", |v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        crate::http::client_ip::Cidr::parse(p)
                            .ok_or_else(|| format!("{p:?} is not an address or CIDR range"))
                    })
                    .collect::<Result<Vec<_>, String>>()
            })?
            .unwrap_or_default();
        let per_minute = |v: &str| -> Result<u32, String> {
            let n: u32 = v.trim().parse().map_err(|_| "expected a whole number per minute".to_owned())?;
            if n > 60_000 {
                return Err("must be at most 60000 a minute".into());
            }
            Ok(n)
        };
        let limits = domain::limits::LimitSettings {
            failed_sign_ins_per_source: l.required("failed_sign_ins_per_source", per_minute)?,
            failed_sign_ins_global: l.required("failed_sign_ins_per_minute", per_minute)?,
            code_requests_per_source: l.required("code_requests_per_source", per_minute)?,
            code_requests_global: l.required("code_requests_per_minute", per_minute)?,
        };
        let header_read_timeout = l.required("header_read_timeout", seconds)?;
        let request_timeout = l.required("request_timeout", seconds)?;
        let max_connections = l.required("max_connections", |v| {
            count(1_000_000)(v).and_then(|n| if n == 0 { Err("must be at least 1".into()) } else { Ok(n) })
        })?;
        let database_acquire_timeout = l.required("database_acquire_timeout", seconds)?;
        let bootstrap_operator =
            pair(l, "bootstrap_operator_email", "bootstrap_operator_password")?.map(|(e, p)| (e, Password::new(p)));
        let bootstrap_admin_key =
            pair(l, "bootstrap_access_key_id", "bootstrap_secret_access_key")?.map(|(k, s)| (k, SecretString::new(s)));
        Ok(Settings {
            listen,
            public_url,
            data_dir,
            database_url: SecretString::new(database_url),
            log,
            log_format,
            region,
            smtp_url,
            email_from,
            sns_endpoint,
            sns_region,
            sns_credentials,
            master_key,
            site_dir,
            session_idle_timeout,
            session_absolute_timeout,
            prefix_domain_suffix,
            password_hash_workers,
            password_hash_wait_budget,
            trusted_proxies,
            limits,
            header_read_timeout,
            request_timeout,
            max_connections,
            database_acquire_timeout,
            bootstrap_operator,
            bootstrap_admin_key,
        })
    }

    /// Settings for tests: a fresh data dir, port 0, quiet logs.
    pub fn for_tests(data_dir: PathBuf, database_url: Option<String>) -> Settings {
        let db = database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("cognate.db").display()));
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: Url::parse("http://127.0.0.1").unwrap_or_else(|_| unreachable_url()),
            data_dir,
            database_url: SecretString::new(db),
            log: "warn".into(),
            log_format: LogFormat::Text,
            region: Region::parse("us-east-1").unwrap_or_else(|_| unreachable_region()),
            smtp_url: None,
            email_from: None,
            sns_endpoint: None,
            sns_region: None,
            sns_credentials: None,
            master_key: Some(MasterKey::generate()),
            site_dir: PathBuf::from("target/site"),
            session_idle_timeout: Duration::from_secs(1800),
            session_absolute_timeout: Duration::from_secs(43200),
            prefix_domain_suffix: "auth.localhost".into(),
            password_hash_workers: 2,
            password_hash_wait_budget: Duration::from_secs(2),
            trusted_proxies: Vec::new(),
            limits: domain::limits::LimitSettings::default(),
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 10_000,
            database_acquire_timeout: Duration::from_secs(2),
            bootstrap_operator: None,
            bootstrap_admin_key: None,
        }
    }

    /// The database URL with any password replaced, for logs.
    pub fn database_url_redacted(&self) -> String {
        match Url::parse(self.database_url.secret()) {
            Ok(mut u) if u.password().is_some() => {
                let _ = u.set_password(Some("redacted"));
                u.to_string()
            }
            _ => self.database_url.secret().to_owned(),
        }
    }

    /// Whether cookies must be `Secure`.
    pub fn https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

fn unreachable_url() -> Url {
    // Both literals above are valid; this only satisfies the no-panic lint.
    Url::parse("http://localhost").unwrap_or_else(|_| unreachable_url())
}

fn unreachable_region() -> Region {
    Region::parse("us-east-1").unwrap_or_else(|_| unreachable_region())
}

fn non_empty(v: &str) -> Result<String, String> {
    if v.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(v.to_owned())
    }
}

fn parse_public_url(v: &str) -> Result<Url, String> {
    let u = Url::parse(v.trim()).map_err(|e| format!("{e}; expected a URL like https://id.example.com"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err("scheme must be http or https".into());
    }
    if u.query().is_some() || u.fragment().is_some() || !u.username().is_empty() || u.password().is_some() {
        return Err("must not have credentials, a query or a fragment".into());
    }
    if u.host_str().is_none() {
        return Err("must have a host".into());
    }
    // Stored without a trailing slash so `{public_url}/{pool}` is well formed.
    let text = u.as_str().trim_end_matches('/').to_owned();
    Url::parse(&text).map_err(|e| e.to_string())
}

fn pair(l: &Layered, a: &'static str, b: &'static str) -> Result<Option<(String, String)>, ConfigError> {
    match (l.raw(a), l.raw(b)) {
        (Some((x, _)), Some((y, _))) => Ok(Some((x.to_owned(), y.to_owned()))),
        (None, None) => Ok(None),
        (Some(_), None) => {
            Err(ConfigError::Pair(format!("{} is set but {} is not; set both or neither", env_name(a), env_name(b))))
        }
        (None, Some(_)) => {
            Err(ConfigError::Pair(format!("{} is set but {} is not; set both or neither", env_name(b), env_name(a))))
        }
    }
}

fn env_name(key: &str) -> String {
    format!("COGNATE_{}", key.to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn defaults_give_a_local_sqlite_server() {
        let s = Settings::load(&Flags::default(), vec![]).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url.as_str(), "http://127.0.0.1:8080/");
        assert!(s.database_url.secret().starts_with("sqlite://"));
        assert_eq!(s.region.as_str(), "us-east-1");
    }

    #[test]
    fn flags_override_environment_which_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:1000\"\nregion = \"eu-west-1\"\nsession_idle_timeout = 60\n")
            .unwrap();
        let flags = Flags { config: Some(file), listen: Some("127.0.0.1:3000".into()), ..Flags::default() };
        let s = Settings::load(&flags, env(&[("COGNATE_LISTEN", "127.0.0.1:2000"), ("COGNATE_REGION", "ap-south-1")]))
            .unwrap();
        assert_eq!(s.listen.port(), 3000);
        assert_eq!(s.region.as_str(), "ap-south-1");
        assert_eq!(s.session_idle_timeout, Duration::from_secs(60));
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let e = Settings::load(&Flags::default(), env(&[("COGNATE_LISTN", "x")])).unwrap_err().to_string();
        assert!(e.contains("COGNATE_LISTN"), "{e}");
        let e = Settings::load(&Flags::default(), env(&[("COGNATE_LISTEN", "nope")])).unwrap_err().to_string();
        assert!(e.contains("listen") && e.contains("COGNATE_LISTEN"), "{e}");
        let e = Settings::load(&Flags::default(), env(&[("COGNATE_PUBLIC_URL", "ftp://x")])).unwrap_err().to_string();
        assert!(e.contains("public_url"), "{e}");
        let e = Settings::load(&Flags::default(), env(&[("COGNATE_MASTER_KEY", "short")])).unwrap_err().to_string();
        assert!(e.contains("master_key"), "{e}");
        let e =
            Settings::load(&Flags::default(), env(&[("COGNATE_DATABASE_URL", "mysql://x")])).unwrap_err().to_string();
        assert!(e.contains("database_url"), "{e}");
        let e = Settings::load(&Flags::default(), env(&[("COGNATE_BOOTSTRAP_OPERATOR_EMAIL", "a@b.c")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("COGNATE_BOOTSTRAP_OPERATOR_PASSWORD"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "colour = \"blue\"\n").unwrap();
        let e = Settings::load(&Flags { config: Some(file), ..Flags::default() }, vec![]).unwrap_err().to_string();
        assert!(e.contains("colour"), "{e}");
    }

    #[test]
    fn test_variables_and_other_prefixes_are_ignored() {
        let s =
            Settings::load(&Flags::default(), env(&[("COGNATE_TEST_POSTGRES_URL", "postgres://x"), ("PATH", "/bin")]));
        assert!(s.is_ok());
    }

    #[test]
    fn public_url_drops_the_trailing_slash_and_refuses_queries() {
        let s =
            Settings::load(&Flags::default(), env(&[("COGNATE_PUBLIC_URL", "https://id.example.com/base/")])).unwrap();
        assert_eq!(s.public_url.as_str(), "https://id.example.com/base");
        assert!(s.https());
        assert!(Settings::load(&Flags::default(), env(&[("COGNATE_PUBLIC_URL", "https://x/?a=b")])).is_err());
    }

    #[test]
    fn database_passwords_are_redacted_for_logs() {
        let s =
            Settings::load(&Flags::default(), env(&[("COGNATE_DATABASE_URL", "postgres://u:secret@h/db")])).unwrap();
        assert!(!s.database_url_redacted().contains("secret"));
        assert!(!format!("{s:?}").contains("secret"));
        let s =
            Settings::load(&Flags::default(), env(&[("COGNATE_SMTP_URL", "smtps://u:hunter2@mail.example")])).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        let s = Settings::load(
            &Flags::default(),
            env(&[
                ("COGNATE_BOOTSTRAP_OPERATOR_EMAIL", "a@b.c"),
                ("COGNATE_BOOTSTRAP_OPERATOR_PASSWORD", "hunter2hunter2"),
            ]),
        )
        .unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn the_readme_table_documents_every_key() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        for k in KEYS {
            let row = format!("| `{}` | `COGNATE_{}` |", k.name, k.name.to_uppercase());
            assert!(readme.contains(&row), "README lacks the row for {}", k.name);
        }
    }
}
