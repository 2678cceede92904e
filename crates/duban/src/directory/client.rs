//! Talking to the directory: checking a person's password by binding as
//! them, and reading every person and unit for the sync. Every operation has
//! a time limit, so a directory that stops answering fails the call instead
//! of holding it.

use std::collections::BTreeSet;
use std::future::Future;

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, ResultEntry, Scope, SearchEntry};

use super::Directory;
use crate::domain::directory::{self, DirectoryPerson};

/// LDAP's invalidCredentials (RFC 4511).
const INVALID_CREDENTIALS: u32 = 49;
/// Entries asked for per page: under Active Directory's default MaxPageSize (1000).
const PAGE_SIZE: i32 = 500;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DirectoryError {
    /// The directory could not be reached or did not answer in time, or
    /// refused the service account: nobody can be checked or read.
    #[error("the directory is unavailable: {0}")]
    Unavailable(String),
    /// The name or the password is wrong (or the name is not in the directory).
    #[error("wrong username or password")]
    WrongCredentials,
    /// The directory answered with something the sync cannot use.
    #[error("the directory's answer is unusable: {0}")]
    Unusable(String),
}

/// What the directory holds for the sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub people: Vec<DirectoryPerson>,
    pub units: Vec<String>,
    /// (DN, why) for entries that could not be read as a person.
    pub unreadable: Vec<(String, String)>,
}

async fn within<T>(
    directory: &Directory,
    doing: &str,
    operation: impl Future<Output = Result<T, LdapError>>,
) -> Result<T, DirectoryError> {
    match tokio::time::timeout(directory.timeout(), operation).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(DirectoryError::Unavailable(format!("{doing}: {error}"))),
        Err(_) => Err(DirectoryError::Unavailable(format!(
            "{doing}: no answer within {} s",
            directory.config().timeout_seconds
        ))),
    }
}

/// A connection bound as the service account.
async fn connect(directory: &Directory) -> Result<Ldap, DirectoryError> {
    let config = directory.config();
    let mut settings = LdapConnSettings::new()
        .set_conn_timeout(directory.timeout())
        .set_starttls(config.starttls);
    if let Some(tls) = directory.tls() {
        settings = settings.set_config(tls);
    }
    let server = config.url.trim();
    let (conn, mut ldap) = within(
        directory,
        &format!("connecting to {server}"),
        LdapConnAsync::with_settings(settings, server),
    )
    .await?;
    ldap3::drive!(conn);
    let bound = within(
        directory,
        "binding as the service account",
        ldap.simple_bind(&config.bind_dn, directory.password()),
    )
    .await?;
    if bound.rc != 0 {
        return Err(DirectoryError::Unavailable(format!(
            "the directory refused the service account {} ({}: {})",
            config.bind_dn, bound.rc, bound.text
        )));
    }
    Ok(ldap)
}

/// Reads a result entry; `SearchEntry::construct` panics on a malformed one,
/// and a directory's answer must not bring the server down.
fn entry_of(entry: ResultEntry) -> Result<SearchEntry, DirectoryError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        SearchEntry::construct(entry)
    }))
    .map_err(|_| DirectoryError::Unusable("a malformed entry in a search result".into()))
}

/// Every entry under `base` matching `filter`, page by page.
async fn search_all(
    directory: &Directory,
    ldap: &mut Ldap,
    base: &str,
    filter: &str,
    attrs: Vec<String>,
) -> Result<Vec<SearchEntry>, DirectoryError> {
    let adapters: Vec<Box<dyn Adapter<_, _>>> = vec![
        Box::new(EntriesOnly::new()),
        Box::new(PagedResults::new(PAGE_SIZE)),
    ];
    let doing = format!("searching {base} for {filter}");
    let mut stream = within(
        directory,
        &doing,
        ldap.streaming_search_with(adapters, base, Scope::Subtree, filter, attrs),
    )
    .await?;
    let mut entries = Vec::new();
    while let Some(entry) = within(directory, &doing, stream.next()).await? {
        entries.push(entry_of(entry)?);
    }
    let result = stream.finish().await;
    if result.rc != 0 {
        // A base that does not exist (32), a filter the server refuses: the
        // whole answer is in doubt, so nothing of it is used.
        return Err(DirectoryError::Unavailable(format!(
            "{doing}: {} {}",
            result.rc, result.text
        )));
    }
    Ok(entries)
}

fn person_attrs(directory: &Directory) -> Vec<String> {
    let mapping = directory.mapping();
    let mut attrs = vec![mapping.username, mapping.display_name, mapping.email];
    attrs.extend(mapping.unit);
    attrs
}

/// Checks a person's password: finds their entry with the service account,
/// then binds as it. The directory judges the password; an empty one is
/// refused here, since an LDAP bind with an empty password is an
/// "unauthenticated bind" that succeeds without proving anything.
pub async fn authenticate(
    directory: &Directory,
    username: &str,
    password: &str,
) -> Result<DirectoryPerson, DirectoryError> {
    if password.is_empty() || username.trim().is_empty() {
        return Err(DirectoryError::WrongCredentials);
    }
    let mut ldap = connect(directory).await?;
    let filter = directory::filter_for(&directory.config().user_filter, username);
    let found = search_all(
        directory,
        &mut ldap,
        &directory.config().user_base,
        &filter,
        person_attrs(directory),
    )
    .await?;
    let entry = match found.as_slice() {
        [one] => one,
        [] => {
            let _ = ldap.unbind().await;
            return Err(DirectoryError::WrongCredentials);
        }
        many => {
            tracing::warn!(
                username,
                entries = many.len(),
                "the directory has several entries for one username"
            );
            let _ = ldap.unbind().await;
            return Err(DirectoryError::WrongCredentials);
        }
    };
    let person = directory::person_of(&entry.dn, &entry.attrs, &directory.mapping())
        .map_err(DirectoryError::Unusable)?;
    let bound = within(
        directory,
        "binding as the person",
        ldap.simple_bind(&entry.dn, password),
    )
    .await?;
    let _ = ldap.unbind().await;
    match bound.rc {
        0 => Ok(person),
        INVALID_CREDENTIALS => Err(DirectoryError::WrongCredentials),
        rc => Err(DirectoryError::Unavailable(format!(
            "binding as the person: {rc} {}",
            bound.text
        ))),
    }
}

/// Every person and unit the directory lists, read before the sync writes
/// anything: a failed search fails the whole read.
pub async fn snapshot(directory: &Directory) -> Result<Snapshot, DirectoryError> {
    let config = directory.config();
    let mut ldap = connect(directory).await?;
    let everyone = directory::filter_for_everyone(&config.user_filter);
    let entries = search_all(
        directory,
        &mut ldap,
        &config.user_base,
        &everyone,
        person_attrs(directory),
    )
    .await?;
    let mut snapshot = Snapshot::default();
    let mapping = directory.mapping();
    for entry in entries {
        match directory::person_of(&entry.dn, &entry.attrs, &mapping) {
            Ok(person) => snapshot.people.push(person),
            Err(why) => snapshot.unreadable.push((entry.dn, why)),
        }
    }
    if let Some(base) = config.unit_base.as_deref().filter(|b| !b.trim().is_empty()) {
        let units = search_all(
            directory,
            &mut ldap,
            base,
            &config.unit_filter,
            vec![config.unit_name_attr.clone()],
        )
        .await?;
        // The base is an organizational unit too, but a container, not a unit.
        let names: BTreeSet<String> = units
            .iter()
            .filter(|unit| !directory::same_dn(&unit.dn, base))
            .filter_map(|unit| directory::first_value(&unit.attrs, &config.unit_name_attr))
            .map(str::to_string)
            .collect();
        snapshot.units = names.into_iter().collect();
    }
    let _ = ldap.unbind().await;
    Ok(snapshot)
}
