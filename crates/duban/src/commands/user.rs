//! `duban user add|passwd|role`: accounts, from the server's shell.

use std::io::BufRead;

use anyhow::{Context, anyhow};

use crate::clock::SystemClock;
use crate::domain::roles::{Actor, Role};
use crate::domain::secrets::NewPassword;
use crate::service::users::{UserSpec, add_user, set_password, set_role};
use crate::store::Db;

/// The password from `--password`, or the first line of standard input.
pub fn password(given: Option<String>, from_stdin: bool) -> anyhow::Result<NewPassword> {
    let text = match (given, from_stdin) {
        (Some(text), _) => text,
        (None, true) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
        (None, false) => {
            return Err(anyhow!(
                "give the password with --password or --password-stdin"
            ));
        }
    };
    NewPassword::parse(&text).map_err(|e| anyhow!(e))
}

pub async fn add(
    db_url: &str,
    username: &str,
    role: Role,
    unit: Option<&str>,
    body: Option<&str>,
    display_name: Option<&str>,
    password: &NewPassword,
) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let spec = UserSpec {
        username,
        display_name: display_name.unwrap_or(username),
        role,
        unit,
        body,
    };
    let id = add_user(&db, &SystemClock, &Actor::operator(), &spec, password).await?;
    db.close().await;
    println!("user {username} added (id {id}, {role})");
    Ok(())
}

pub async fn passwd(db_url: &str, username: &str, password: &NewPassword) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    set_password(&db, &SystemClock, &Actor::operator(), username, password).await?;
    db.close().await;
    println!("password of {username} changed");
    Ok(())
}

pub async fn role(db_url: &str, username: &str, role: Role) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    set_role(&db, &SystemClock, &Actor::operator(), username, role, None).await?;
    db.close().await;
    println!("{username} is now {role}");
    Ok(())
}

pub async fn token(db_url: &str, username: &str, name: &str) -> anyhow::Result<()> {
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let token = crate::service::users::create_api_token(
        &db,
        &SystemClock,
        &Actor::operator(),
        username,
        name,
    )
    .await?;
    db.close().await;
    // Only the token on stdout, so scripts can capture it; it is not shown again.
    println!("{token}");
    Ok(())
}
