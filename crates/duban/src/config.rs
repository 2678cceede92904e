//! `duban serve`'s settings: flags, then environment variables, then a config
//! file (TOML), then defaults, in that order of precedence.

use std::net::SocketAddr;
use std::path::Path;

use std::sync::Arc;

use anyhow::Context;
use serde::Deserialize;

use crate::directory::{Directory, DirectoryConfig};

pub const DEFAULT_DB: &str = "sqlite://duban.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_MAX_BODY_MB: usize = 16;

/// The config file: every key optional.
///
/// ```toml
/// db = "postgres://duban@db.intranet/duban"
/// listen = "0.0.0.0:8080"
/// max_body_mb = 32
///
/// [directory]            # sign-in and sync from LDAP / Active Directory (README)
/// url = "ldaps://ad.district.gov.cn"
/// ```
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub db: Option<String>,
    pub listen: Option<SocketAddr>,
    pub max_body_mb: Option<usize>,
    pub directory: Option<DirectoryConfig>,
}

impl FileConfig {
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))
    }

    /// The directory the file configures, checked (a mistake names its field).
    pub fn directory(&self, path: &Path) -> anyhow::Result<Option<Arc<Directory>>> {
        match &self.directory {
            None => Ok(None),
            Some(config) => Directory::new(config.clone())
                .map(|directory| Some(Arc::new(directory)))
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        }
    }
}

/// The settings a server runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeConfig {
    pub db: String,
    pub listen: SocketAddr,
    pub max_body_mb: usize,
}

impl ServeConfig {
    /// Given values (flags or environment) win over the file, the file over defaults.
    pub fn resolve(
        db: Option<String>,
        listen: Option<SocketAddr>,
        max_body_mb: Option<usize>,
        file: FileConfig,
    ) -> ServeConfig {
        ServeConfig {
            db: db.or(file.db).unwrap_or_else(|| DEFAULT_DB.to_string()),
            listen: listen.or(file.listen).unwrap_or_else(|| {
                DEFAULT_LISTEN
                    .parse()
                    .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)))
            }),
            max_body_mb: max_body_mb
                .or(file.max_body_mb)
                .unwrap_or(DEFAULT_MAX_BODY_MB),
        }
    }

    pub fn body_limit(&self) -> usize {
        self.max_body_mb.saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig {
            db: Some("postgres://duban@db/duban".into()),
            listen: Some("0.0.0.0:9000".parse().unwrap()),
            max_body_mb: None,
            directory: None,
        };
        let config = ServeConfig::resolve(Some("sqlite://x.db".into()), None, None, file);
        assert_eq!(config.db, "sqlite://x.db");
        assert_eq!(config.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.max_body_mb, DEFAULT_MAX_BODY_MB);
        let defaults = ServeConfig::resolve(None, None, None, FileConfig::default());
        assert_eq!(defaults.db, DEFAULT_DB);
        assert_eq!(defaults.listen.to_string(), DEFAULT_LISTEN);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("port = 80").is_err());
        let parsed: FileConfig =
            toml::from_str("listen = \"0.0.0.0:8080\"\nmax_body_mb = 32").unwrap();
        assert_eq!(parsed.max_body_mb, Some(32));
    }

    #[test]
    fn the_directory_table_is_read_and_checked() {
        let text = "db = \"sqlite://x.db\"\n[directory]\nurl = \"ldap://127.0.0.1:389\"\n\
            bind_dn = \"cn=duban,dc=x\"\nbind_password = \"pw\"\nuser_base = \"dc=x\"\n";
        let parsed: FileConfig = toml::from_str(text).unwrap();
        let path = Path::new("duban.toml");
        assert!(parsed.directory(path).unwrap().is_some());
        let typo: FileConfig = toml::from_str(&text.replace("ldap://", "ldapx://")).unwrap();
        let error = typo.directory(path).unwrap_err().to_string();
        assert!(error.starts_with("duban.toml: directory.url"), "{error}");
        assert!(toml::from_str::<FileConfig>(&format!("{text}usr_base = \"x\"\n")).is_err());
    }
}
