//! A real SMTP server for tests/notify_email.rs: smtp_server.py (aiosmtpd) as a child process on a free
//! loopback port, with a certificate from a test CA; killed when the guard drops.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use duban::notify::{Secret, SmtpSecurity, SmtpSettings};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use serde_json::Value;

pub const USER: &str = "duban";
pub const PASSWORD: &str = "Duban-测试-2025";

/// The server process, its mail folder and the CA it trusts; killed on drop.
pub struct SmtpServer {
    child: Child,
    port: u16,
    ca_pem: String,
    mail: tempfile::TempDir,
    _certs: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start(implicit_tls: bool) -> SmtpServer {
        let certs = tempfile::tempdir().unwrap();
        let ca_pem = write_certificates(certs.path());
        let mail = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut command = Command::new("python3");
        command
            .arg(script)
            .arg("--cert")
            .arg(certs.path().join("server.pem"))
            .arg("--key")
            .arg(certs.path().join("server.key"))
            .args(["--user", USER, "--password", PASSWORD, "--outdir"])
            .arg(mail.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if implicit_tls {
            command.arg("--implicit-tls");
        }
        let mut child = command.spawn().expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("ready ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("smtp_server.py did not start (is aiosmtpd installed? .ci/run installs it): {line:?}"));
        SmtpServer {
            child,
            port,
            ca_pem,
            mail,
            _certs: certs,
        }
    }

    pub fn settings(&self, security: SmtpSecurity) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            security,
            username: Some(USER.into()),
            password: Some(Secret::new(PASSWORD)),
            from: "区督查室 <duban@district.gov.cn>".into(),
            ca_pem: Some(self.ca_pem.clone()),
            accept_invalid_certs: false,
            timeout_secs: 10,
        }
    }

    /// The messages the server accepted, as its Python parser read them.
    pub fn received(&self) -> Vec<Value> {
        (1..)
            .map(|n| self.mail.path().join(format!("{n}.json")))
            .take_while(|p| p.exists())
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    pub fn raw(&self, n: usize) -> Vec<u8> {
        std::fs::read(self.mail.path().join(format!("{n}.eml"))).unwrap()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA and a server certificate for 127.0.0.1 signed by it: server.pem, server.key; returns the CA's PEM.
pub fn write_certificates(dir: &Path) -> String {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Duban test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate().unwrap();
    let mut server =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let cert = server.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.join("server.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    ca_pem
}
