//! The directory (LDAP / Active Directory) that signs directory accounts in
//! and that the sync reads people and units from: its settings, from the
//! `[directory]` table of the config file, checked once when the server or
//! the command starts; the network side is in [`client`].

pub mod client;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::domain::directory::{Mapping, USERNAME_PLACEHOLDER};
use crate::domain::roles::Role;

/// The `[directory]` table as written. Every name is the config file's.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DirectoryConfig {
    /// `ldap://host[:port]` or `ldaps://host[:port]`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    #[serde(default)]
    pub starttls: bool,
    /// A PEM file of the CA that signed the directory's certificate; without
    /// it the system's trusted CAs are used.
    pub ca_file: Option<PathBuf>,
    /// The service account that searches.
    pub bind_dn: String,
    pub bind_password: Option<String>,
    /// The service account's password in a file of its own (kept out of the config).
    pub bind_password_file: Option<PathBuf>,
    pub user_base: String,
    #[serde(default = "default_user_filter")]
    pub user_filter: String,
    #[serde(default = "default_username_attr")]
    pub username_attr: String,
    #[serde(default = "default_display_name_attr")]
    pub display_name_attr: String,
    #[serde(default = "default_email_attr")]
    pub email_attr: String,
    /// An attribute holding the unit's name (`department`, `ou`); without
    /// it, the `ou=` the person's entry sits under.
    pub unit_attr: Option<String>,
    /// Where the units are (their organizational units); without it, units
    /// are not made and a person's unit must already be on record.
    pub unit_base: Option<String>,
    #[serde(default = "default_unit_filter")]
    pub unit_filter: String,
    #[serde(default = "default_unit_name_attr")]
    pub unit_name_attr: String,
    /// The role new directory accounts get.
    #[serde(default = "default_role")]
    pub default_role: String,
    /// Minutes between scheduled syncs; 0 syncs only when asked.
    #[serde(default = "default_sync_minutes")]
    pub sync_minutes: u64,
    /// How long one directory operation may take.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_user_filter() -> String {
    "(&(objectClass=inetOrgPerson)(uid={username}))".into()
}
fn default_username_attr() -> String {
    "uid".into()
}
fn default_display_name_attr() -> String {
    "cn".into()
}
fn default_email_attr() -> String {
    "mail".into()
}
fn default_unit_filter() -> String {
    "(objectClass=organizationalUnit)".into()
}
fn default_unit_name_attr() -> String {
    "ou".into()
}
fn default_role() -> String {
    "liaison".into()
}
fn default_sync_minutes() -> u64 {
    60
}
fn default_timeout_seconds() -> u64 {
    10
}

// The password never reaches a log.
impl std::fmt::Debug for DirectoryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryConfig")
            .field("url", &self.url)
            .field("bind_dn", &self.bind_dn)
            .field("user_base", &self.user_base)
            .finish_non_exhaustive()
    }
}

/// The settings as an admin may see them: everything but the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DirectoryView {
    pub url: String,
    pub starttls: bool,
    pub ca_file: Option<String>,
    pub bind_dn: String,
    pub user_base: String,
    pub user_filter: String,
    pub username_attr: String,
    pub display_name_attr: String,
    pub email_attr: String,
    /// `null`: the `ou=` above the person's entry.
    pub unit_attr: Option<String>,
    pub unit_base: Option<String>,
    pub unit_filter: String,
    pub unit_name_attr: String,
    pub default_role: String,
    pub sync_minutes: u64,
    pub timeout_seconds: u64,
}

/// A directory ready to use: settings checked, password read, TLS set up.
pub struct Directory {
    config: DirectoryConfig,
    password: String,
    role: Role,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn field(name: &str, message: impl std::fmt::Display) -> String {
    format!("directory.{name}: {message}")
}

impl Directory {
    /// Checks the settings; the error names the field (`directory.url: …`).
    pub fn new(config: DirectoryConfig) -> Result<Directory, String> {
        let url = config.url.trim();
        let secure = url.starts_with("ldaps://");
        let host = url
            .strip_prefix("ldaps://")
            .or_else(|| url.strip_prefix("ldap://"))
            .unwrap_or_default()
            .trim_end_matches('/');
        if host.is_empty() {
            return Err(field("url", "ldap://host[:port] or ldaps://host[:port]"));
        }
        if secure && config.starttls {
            return Err(field(
                "starttls",
                "StartTLS is for ldap:// (ldaps:// is TLS already)",
            ));
        }
        for (name, value) in [
            ("bind_dn", &config.bind_dn),
            ("user_base", &config.user_base),
            ("username_attr", &config.username_attr),
            ("display_name_attr", &config.display_name_attr),
            ("email_attr", &config.email_attr),
            ("unit_name_attr", &config.unit_name_attr),
        ] {
            if value.trim().is_empty() {
                return Err(field(name, "must not be empty"));
            }
        }
        check_filter("user_filter", &config.user_filter)?;
        if !config.user_filter.contains(USERNAME_PLACEHOLDER) {
            return Err(field(
                "user_filter",
                "must hold {username}, e.g. (&(objectClass=inetOrgPerson)(uid={username}))",
            ));
        }
        check_filter("unit_filter", &config.unit_filter)?;
        let role: Role = config
            .default_role
            .parse()
            .map_err(|e| field("default_role", e))?;
        if config.timeout_seconds == 0 || config.timeout_seconds > 300 {
            return Err(field("timeout_seconds", "1 to 300 seconds"));
        }
        let password = match (&config.bind_password, &config.bind_password_file) {
            (Some(_), Some(_)) => {
                return Err(field(
                    "bind_password",
                    "give bind_password or bind_password_file, not both",
                ));
            }
            (Some(password), None) => password.clone(),
            (None, Some(path)) => read_password(path)?,
            (None, None) => {
                return Err(field(
                    "bind_password",
                    "the service account's password is missing (bind_password or bind_password_file)",
                ));
            }
        };
        if password.is_empty() {
            // An empty password is an unauthenticated bind: it "succeeds" and proves nothing.
            return Err(field("bind_password", "must not be empty"));
        }
        let tls = match &config.ca_file {
            Some(path) => Some(tls_trusting(path)?),
            None => None,
        };
        Ok(Directory {
            config,
            password,
            role,
            tls,
        })
    }

    pub fn config(&self) -> &DirectoryConfig {
        &self.config
    }

    pub fn view(&self) -> DirectoryView {
        let c = &self.config;
        DirectoryView {
            url: c.url.clone(),
            starttls: c.starttls,
            ca_file: c.ca_file.as_ref().map(|p| p.display().to_string()),
            bind_dn: c.bind_dn.clone(),
            user_base: c.user_base.clone(),
            user_filter: c.user_filter.clone(),
            username_attr: c.username_attr.clone(),
            display_name_attr: c.display_name_attr.clone(),
            email_attr: c.email_attr.clone(),
            unit_attr: c.unit_attr.clone(),
            unit_base: c.unit_base.clone(),
            unit_filter: c.unit_filter.clone(),
            unit_name_attr: c.unit_name_attr.clone(),
            default_role: self.role.as_str().to_string(),
            sync_minutes: c.sync_minutes,
            timeout_seconds: c.timeout_seconds,
        }
    }

    pub fn default_role(&self) -> Role {
        self.role
    }

    pub fn mapping(&self) -> Mapping {
        Mapping {
            username: self.config.username_attr.clone(),
            display_name: self.config.display_name_attr.clone(),
            email: self.config.email_attr.clone(),
            unit: self
                .config
                .unit_attr
                .clone()
                .filter(|a| !a.trim().is_empty()),
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.config.timeout_seconds)
    }

    /// How often the scheduler syncs; `None` when only by hand.
    pub fn sync_every_ms(&self) -> Option<i64> {
        (self.config.sync_minutes > 0)
            .then(|| self.config.sync_minutes.saturating_mul(60_000) as i64)
    }

    pub(crate) fn password(&self) -> &str {
        &self.password
    }

    pub(crate) fn tls(&self) -> Option<Arc<rustls::ClientConfig>> {
        self.tls.clone()
    }
}

/// Parentheses balanced and the whole filter one `(…)`: a slip in the
/// config file shows at start, not as a failed search later.
fn check_filter(name: &str, filter: &str) -> Result<(), String> {
    let filter = filter.trim();
    let mut depth = 0i32;
    let mut closed_at_top = 0;
    let mut escaped = false;
    for c in filter.chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '(' if !escaped => depth += 1,
            ')' if !escaped => {
                depth -= 1;
                if depth == 0 {
                    closed_at_top += 1;
                }
                if depth < 0 {
                    break;
                }
            }
            _ => {}
        }
        escaped = false;
    }
    if !filter.starts_with('(') || depth != 0 || closed_at_top != 1 {
        return Err(field(
            name,
            format!("'{filter}' is not one parenthesised LDAP filter"),
        ));
    }
    Ok(())
}

fn read_password(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        field(
            "bind_password_file",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    // A file written with `echo` ends in a newline that is not part of the password.
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// TLS that trusts the CAs in one PEM file (an intranet's own CA).
fn tls_trusting(path: &Path) -> Result<Arc<rustls::ClientConfig>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| field("ca_file", format!("cannot read {}: {e}", path.display())))?;
    for certificate in certificates {
        let certificate = certificate
            .map_err(|e| field("ca_file", format!("{} is not PEM: {e}", path.display())))?;
        roots
            .add(certificate)
            .map_err(|e| field("ca_file", format!("{}: {e}", path.display())))?;
    }
    if roots.is_empty() {
        return Err(field(
            "ca_file",
            format!("{} holds no certificate", path.display()),
        ));
    }
    // The ring provider named here, not the process default: nothing else
    // in the binary then decides which one applies.
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| field("ca_file", e))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml_text: &str) -> Result<Directory, String> {
        let url = if toml_text.contains("url =") {
            ""
        } else {
            "url = \"ldap://127.0.0.1:389\"\n"
        };
        let base = format!(
            "{url}bind_dn = \"cn=duban,dc=x\"\nbind_password = \"s3cret\"\nuser_base = \"dc=x\"\n"
        );
        let config: DirectoryConfig =
            toml::from_str(&format!("{base}{toml_text}")).map_err(|e| e.message().to_string())?;
        Directory::new(config)
    }

    #[test]
    fn defaults_read_an_openldap_tree() {
        let directory = config("").unwrap();
        assert_eq!(directory.default_role(), Role::Liaison);
        assert_eq!(directory.mapping().username, "uid");
        assert_eq!(directory.sync_every_ms(), Some(3_600_000));
        assert!(!format!("{directory:?}").contains("s3cret"));
    }

    #[test]
    fn the_readme_example_is_read_as_written() {
        let readme = include_str!("../../../../README.md");
        let start = readme.find("```toml\n[directory]\n").expect("the example") + 20;
        let end = start + readme[start..].find("```").unwrap();
        let config: DirectoryConfig = toml::from_str(&readme[start..end]).unwrap();
        assert_eq!(config.username_attr, "uid");
        // Every field checks out up to the files, which are not on this machine.
        let error = Directory::new(config).unwrap_err();
        assert!(error.starts_with("directory.bind_password_file"), "{error}");
    }

    #[test]
    fn each_mistake_names_its_field() {
        for (text, field) in [
            ("starttls = true\nurl = \"ldaps://x\"", "directory.starttls"),
            ("url = \"http://x\"", "directory.url"),
            ("user_filter = \"(uid=*)\"", "directory.user_filter"),
            (
                "user_filter = \"(&(uid={username})\"",
                "directory.user_filter",
            ),
            (
                "unit_filter = \"objectClass=organizationalUnit\"",
                "directory.unit_filter",
            ),
            ("default_role = \"boss\"", "directory.default_role"),
            ("timeout_seconds = 0", "directory.timeout_seconds"),
            ("bind_password_file = \"/nonexistent/pass\"", "not both"),
            ("ca_file = \"/nonexistent/ca.pem\"", "directory.ca_file"),
            ("colour = \"blue\"", "unknown field"),
        ] {
            let error = config(text).unwrap_err();
            assert!(error.contains(field), "{text}: {error}");
        }
        let empty: DirectoryConfig = toml::from_str(
            "url = \"ldap://x\"\nbind_dn = \"a\"\nbind_password = \"\"\nuser_base = \"c\"",
        )
        .unwrap();
        assert!(
            Directory::new(empty)
                .unwrap_err()
                .starts_with("directory.bind_password")
        );
    }
}
