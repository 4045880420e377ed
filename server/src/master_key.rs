//! Where the master key comes from: configuration, or a key file in the data directory
//! that is generated (mode 0600) on first start.

use anyhow::Context;
use domain::crypto::MasterKey;
use std::path::Path;

/// The configured key, or the one in `<data_dir>/master.key`, creating it if absent.
pub fn load_or_create(configured: Option<&MasterKey>, data_dir: &Path) -> anyhow::Result<MasterKey> {
    if let Some(k) = configured {
        return Ok(k.clone());
    }
    let path = data_dir.join("master.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => MasterKey::parse(&text).with_context(|| format!("reading master key file {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = MasterKey::generate();
            write_private(&path, &key.to_base64())
                .with_context(|| format!("writing master key file {}", path.display()))?;
            tracing::warn!(
                path = %path.display(),
                "COGNATE_MASTER_KEY is not set: generated a master key file. Back it up; \
                 secrets stored by Cognate cannot be read without it."
            );
            Ok(key)
        }
        Err(e) => Err(e).with_context(|| format!("reading master key file {}", path.display())),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_file_is_reused_on_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create(None, dir.path()).unwrap();
        let b = load_or_create(None, dir.path()).unwrap();
        assert_eq!(a.to_base64(), b.to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("master.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_configured_key_wins_and_a_corrupt_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let k = MasterKey::generate();
        assert_eq!(load_or_create(Some(&k), dir.path()).unwrap().to_base64(), k.to_base64());
        std::fs::write(dir.path().join("master.key"), "garbage").unwrap();
        assert!(load_or_create(None, dir.path()).is_err());
    }
}
