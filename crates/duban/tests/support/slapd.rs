//! A real OpenLDAP server for tests/directory.rs: Debian's `slapd` as a child
//! process of this test, on a free loopback port, with its configuration
//! (slapd.conf) and database (mdb) in a temporary folder, loaded with a few
//! units and people; stopped when the guard drops. `.ci/run` installs slapd.

#![allow(dead_code)] // each test binary uses its own subset

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use duban::directory::DirectoryConfig;
use ldap3::{LdapConnAsync, Mod};

pub const SUFFIX: &str = "dc=district,dc=gov,dc=cn";
pub const ROOT_DN: &str = "cn=root,dc=district,dc=gov,dc=cn";
pub const ROOT_PASSWORD: &str = "root-测试-secret";
pub const SERVICE_DN: &str = "cn=duban,ou=services,dc=district,dc=gov,dc=cn";
pub const SERVICE_PASSWORD: &str = "Duban-service-2026";
/// Every person's password in the directory is "{uid}-目录密码".
pub fn password_of(uid: &str) -> String {
    format!("{uid}-目录密码")
}

/// The people: (uid, cn, unit). 区数据局 is not in the district's registry.
pub const PEOPLE: &[(&str, &str, &str)] = &[
    ("wangfang", "王芳", "区房管局"),
    ("lisi", "李四", "区房管局"),
    ("zhaomin", "赵敏", "区民政局"),
    ("sunli", "孙丽", "区数据局"),
    // The same name as Duban's local admin: the sync must leave that account alone.
    ("admin", "目录中的 admin", "区数据局"),
];

fn ldif() -> String {
    let mut text = format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: district\ndc: district\n\n\
         dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n\n\
         dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: duban\nuserPassword: {SERVICE_PASSWORD}\n\n\
         dn: ou=units,{SUFFIX}\nobjectClass: organizationalUnit\nou: units\n\n"
    );
    for unit in ["区房管局", "区民政局", "区数据局"] {
        text.push_str(&format!(
            "dn: ou={unit},ou=units,{SUFFIX}\nobjectClass: organizationalUnit\nou: {unit}\n\n"
        ));
    }
    for (uid, cn, unit) in PEOPLE {
        text.push_str(&format!(
            "dn: uid={uid},ou={unit},ou=units,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {cn}\nsn: {cn}\n\
             mail: {uid}@district.gov.cn\nuserPassword: {}\n\n",
            password_of(uid)
        ));
    }
    text
}

/// The slapd process and its folder; killed on drop.
pub struct Slapd {
    child: Option<Child>,
    pub port: u16,
    /// The ldaps:// port, when started with TLS.
    pub tls_port: Option<u16>,
    dir: tempfile::TempDir,
}

/// Debian puts slapd and slapadd in /usr/sbin, which a non-root PATH may lack.
fn sbin(name: &str) -> PathBuf {
    let packaged = Path::new("/usr/sbin").join(name);
    if packaged.exists() {
        packaged
    } else {
        PathBuf::from(name)
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `allow bind_anon_dn` makes this slapd accept a DN with an empty password
/// as an unauthenticated bind, as Active Directory does: Duban must refuse
/// the empty password itself.
fn config_text(dir: &Path) -> String {
    let data = dir.join("data");
    format!(
        "include /etc/ldap/schema/core.schema\n\
         include /etc/ldap/schema/cosine.schema\n\
         include /etc/ldap/schema/inetorgperson.schema\n\
         pidfile {pid}\n\
         modulepath /usr/lib/ldap\n\
         allow bind_anon_dn\n\
         moduleload back_mdb\n\
         database mdb\n\
         maxsize 16777216\n\
         suffix \"{SUFFIX}\"\n\
         rootdn \"{ROOT_DN}\"\n\
         rootpw {ROOT_PASSWORD}\n\
         directory {data}\n\
         access to attrs=userPassword by anonymous auth by * none\n\
         access to * by users read by * none\n",
        pid = dir.join("slapd.pid").display(),
        data = data.display(),
    )
}

impl Slapd {
    /// A new directory with the people above, answering on its port.
    pub fn start() -> Slapd {
        Slapd::start_with(|_| String::new(), None)
    }

    /// The same with TLS: StartTLS on ldap:// and an ldaps:// port, with a
    /// certificate for 127.0.0.1 from a test CA (`ca.pem` in its folder).
    /// `write_certificates` writes server.pem and server.key into a folder and
    /// returns the CA's PEM.
    pub fn start_tls(write_certificates: fn(&Path) -> String) -> Slapd {
        let tls = |dir: &Path| {
            std::fs::write(dir.join("ca.pem"), write_certificates(dir)).unwrap();
            format!(
                // security tls=1: nothing without TLS, so a StartTLS that
                // did not happen cannot pass unnoticed.
                "TLSCertificateFile {}\nTLSCertificateKeyFile {}\nsecurity tls=1\n",
                dir.join("server.pem").display(),
                dir.join("server.key").display()
            )
        };
        Slapd::start_with(tls, Some(free_port()))
    }

    pub fn ca_path(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub fn ldaps_url(&self) -> String {
        format!(
            "ldaps://127.0.0.1:{}",
            self.tls_port.expect("started with TLS")
        )
    }

    /// `global` writes what the folder needs and returns slapd.conf's global lines.
    fn start_with(global: impl FnOnce(&Path) -> String, tls_port: Option<u16>) -> Slapd {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let conf = format!("{}{}", global(dir.path()), config_text(dir.path()));
        std::fs::write(dir.path().join("slapd.conf"), conf).unwrap();
        std::fs::write(dir.path().join("data.ldif"), ldif()).unwrap();
        let loaded = Command::new(sbin("slapadd"))
            .arg("-f")
            .arg(dir.path().join("slapd.conf"))
            .arg("-l")
            .arg(dir.path().join("data.ldif"))
            .output()
            .expect("slapadd runs (apt-get install slapd; .ci/run does)");
        assert!(
            loaded.status.success(),
            "slapadd: {}",
            String::from_utf8_lossy(&loaded.stderr)
        );
        let mut slapd = Slapd {
            child: None,
            port: free_port(),
            tls_port,
            dir,
        };
        slapd.run();
        slapd
    }

    /// Starts slapd on the port and waits until it accepts connections.
    fn run(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("slapd.log")).unwrap();
        // -d 0 keeps it in the foreground, a child of this test; no -u/-g:
        // it runs as whoever runs the tests.
        let child = Command::new(sbin("slapd"))
            .arg("-d")
            .arg("0")
            .arg("-f")
            .arg(self.dir.path().join("slapd.conf"))
            .arg("-h")
            .arg(self.listen())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("slapd runs (apt-get install slapd; .ci/run does)");
        self.child = Some(child);
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("slapd exited ({status}): {}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("slapd did not listen on {}: {}", self.port, self.log());
    }

    fn listen(&self) -> String {
        let plain = format!("ldap://127.0.0.1:{}/", self.port);
        match self.tls_port {
            Some(port) => format!("{plain} ldaps://127.0.0.1:{port}/"),
            None => plain,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("slapd.log")).unwrap_or_default()
    }

    /// Stops the server: its port answers nothing until [`Slapd::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The same directory again on the same port.
    pub fn resume(&mut self) {
        self.run();
    }

    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// Duban's settings for this directory, as the config file's
    /// [directory] table: people under ou=units, each one's unit the ou= it
    /// sits under, units made from those ou=.
    pub fn toml(&self) -> String {
        format!(
            "url = \"{url}\"\nbind_dn = \"{SERVICE_DN}\"\nbind_password = \"{SERVICE_PASSWORD}\"\n\
             user_base = \"ou=units,{SUFFIX}\"\nunit_base = \"ou=units,{SUFFIX}\"\ntimeout_seconds = 5\n",
            url = self.url()
        )
    }

    pub fn config(&self) -> DirectoryConfig {
        toml::from_str(&self.toml()).unwrap()
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("duban.toml")
    }

    /// Changes the directory as its administrator would.
    pub async fn modify(&self, dn: &str, attribute: &str, value: &str) {
        let mut ldap = self.root().await;
        let values: HashSet<&str> = [value].into_iter().collect();
        ldap.modify(dn, vec![Mod::Replace(attribute, values)])
            .await
            .unwrap()
            .success()
            .unwrap();
        ldap.unbind().await.unwrap();
    }

    pub async fn delete(&self, dn: &str) {
        let mut ldap = self.root().await;
        ldap.delete(dn).await.unwrap().success().unwrap();
        ldap.unbind().await.unwrap();
    }

    async fn root(&self) -> ldap3::Ldap {
        let (conn, mut ldap) = LdapConnAsync::new(&self.url()).await.unwrap();
        ldap3::drive!(conn);
        ldap.simple_bind(ROOT_DN, ROOT_PASSWORD)
            .await
            .unwrap()
            .success()
            .unwrap();
        ldap
    }
}

/// A person's DN.
pub fn dn_of(uid: &str) -> String {
    let unit = PEOPLE
        .iter()
        .find(|(u, _, _)| *u == uid)
        .map(|(_, _, unit)| *unit)
        .unwrap();
    format!("uid={uid},ou={unit},ou=units,{SUFFIX}")
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}
