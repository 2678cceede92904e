//! `duban demo`: the seed plan served with demo accounts, ready to try.

use std::net::SocketAddr;

use anyhow::Context;
use duban_plan::Registry;
use tokio::net::TcpListener;

use std::sync::Arc;

use crate::clock::{Clock, ShiftedClock, SystemClock};
use crate::domain::roles::{Actor, Role};
use crate::domain::secrets::hash_password;
use crate::service::import::{Document, import_plan};
use crate::service::users::{UserSpec, add_user_with_hash};
use crate::store::{Db, plans, users};

/// The seed plan: 长宁区 2021年重点推进和督查工作安排, as PDF extraction left it.
const SEED_PLAN: &[u8] = include_bytes!("../../../plan/tests/fixtures/changning-2021-plan.txt");
const DEMO_PASSWORD: &str = "demo";
/// The bodies the seed plan names: 区委督促检查工作领导小组办公室, 区委办督查, 区府办督查.
const SUPERVISION_BODIES: &[&str] = &["督查领导小组办公室", "区委办督查", "区府办督查"];

/// The seed plan is 2021's: the demo runs in mid-June of that year.
pub const DEFAULT_AS_OF: &str = "2021-06-15";

/// The demo's clock: the real one for "today", else one moved to 09:00 in
/// China on the given day, running on from there.
pub fn clock_for(as_of: &str) -> anyhow::Result<Arc<dyn Clock>> {
    if as_of == "today" {
        return Ok(Arc::new(SystemClock));
    }
    Ok(Arc::new(ShiftedClock::starting_at(start_of(as_of)?)))
}

/// 09:00 in China on `as_of` (YYYY-MM-DD), or now for "today".
pub fn start_of(as_of: &str) -> anyhow::Result<jiff::Timestamp> {
    if as_of == "today" {
        return Ok(jiff::Timestamp::now());
    }
    let date: jiff::civil::Date = as_of
        .parse()
        .with_context(|| format!("--as-of '{as_of}' is not a date (YYYY-MM-DD) or \"today\""))?;
    jiff::tz::offset(8)
        .to_timestamp(date.at(9, 0, 0, 0))
        .context("--as-of is out of range")
}

pub async fn run(
    db_url: Option<&str>,
    as_of: &str,
    listen: SocketAddr,
    body_limit: usize,
) -> anyhow::Result<()> {
    // The demo's clock is movable: an admin may set the date (系统设置 → 演示日期).
    let clock = Arc::new(ShiftedClock::starting_at(start_of(as_of)?));
    // Without --db the demo lives in a temporary folder removed on exit.
    let temp = tempfile::tempdir().context("cannot create a temporary folder")?;
    let url = match db_url {
        Some(url) => url.to_string(),
        None => format!("sqlite://{}", temp.path().join("demo.db").display()),
    };
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    let accounts = prepare_with(&db, clock.as_ref()).await?;
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    println!("督办 Duban demo: http://{address}/  (database: {url})");
    println!(
        "accounts (password \"{DEMO_PASSWORD}\"): {}",
        accounts.join(", ")
    );
    println!("demo date: {as_of} (--as-of today for the real date)");
    println!(
        "API: POST http://{address}/api/v1/login {{\"username\":\"admin\",\"password\":\"demo\"}}"
    );
    let demo_clock = Arc::clone(&clock);
    super::serve::serve(db, clock, Some(demo_clock), listener, body_limit).await?;
    drop(temp);
    Ok(())
}

/// Loads the seed plan, the units and the demo accounts unless already there.
/// Returns the account names.
pub async fn prepare(db: &Db) -> anyhow::Result<Vec<String>> {
    prepare_with(db, &SystemClock).await
}

/// The same, with the plan imported at the given clock's "now".
pub async fn prepare_with(db: &Db, clock: &dyn Clock) -> anyhow::Result<Vec<String>> {
    let registry = Registry::builtin();
    let operator = Actor::operator();
    if plans::summaries(db).await?.is_empty() {
        import_plan(
            db,
            clock,
            &operator,
            &registry,
            Document {
                name: "changning-2021-plan.txt",
                bytes: SEED_PLAN,
            },
            true,
        )
        .await?;
    }
    prepare_accounts(db).await
}

/// The registry's units, the supervision bodies and the demo accounts, but
/// no plan: an office about to import its first one.
pub async fn prepare_accounts(db: &Db) -> anyhow::Result<Vec<String>> {
    let registry = Registry::builtin();
    let operator = Actor::operator();
    let mut tx = db.begin().await?;
    crate::store::units::sync_registry(&mut tx, &registry).await?;
    tx.commit().await?;
    crate::service::supervision::ensure_bodies(db, &SystemClock, &operator, SUPERVISION_BODIES)
        .await?;
    // One hash for every demo account: they share a published password.
    let hash = hash_password(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let mut accounts = vec![
        (
            "admin".to_string(),
            "系统管理员".to_string(),
            Role::Admin,
            None,
        ),
        (
            "supervisor".to_string(),
            "区委督查室".to_string(),
            Role::Supervisor,
            None,
        ),
        (
            "leader".to_string(),
            "区领导".to_string(),
            Role::Leader,
            None,
        ),
        (
            "viewer".to_string(),
            "观察员".to_string(),
            Role::Viewer,
            None,
        ),
    ];
    for unit in &registry.units {
        accounts.push((
            unit.name.clone(),
            format!("{}联络员", unit.name),
            Role::Liaison,
            Some(unit.name.clone()),
        ));
    }
    let mut names = Vec::with_capacity(accounts.len());
    for (username, display_name, role, unit) in &accounts {
        if users::by_username(db, username).await?.is_none() {
            // The demo's supervisor acts for the first body, 督查领导小组办公室.
            let body = (*role == Role::Supervisor).then_some(SUPERVISION_BODIES[0]);
            let spec = UserSpec {
                username,
                display_name,
                role: *role,
                unit: unit.as_deref(),
                body,
            };
            add_user_with_hash(db, &SystemClock, &operator, &spec, &hash).await?;
        }
        names.push(format!("{username} ({role})"));
    }
    Ok(names)
}
