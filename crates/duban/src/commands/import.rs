//! `duban import FILE`: load a plan document into the database.

use std::path::Path;

use anyhow::Context;

use crate::clock::SystemClock;
use crate::domain::roles::Actor;
use crate::service::import::{Document, import_plan};
use crate::store::Db;

pub async fn run(
    db_url: &str,
    file: &Path,
    registry: Option<&Path>,
    publish: bool,
) -> anyhow::Result<()> {
    let registry = super::load_registry(registry)?;
    let bytes = super::parse::read_document(file)?;
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let name = file
        .file_name()
        .map_or_else(|| "stdin".to_string(), |n| n.to_string_lossy().into_owned());
    let imported = import_plan(
        &db,
        &SystemClock,
        &Actor::operator(),
        &registry,
        Document {
            name: &name,
            bytes: &bytes,
        },
        publish,
    )
    .await
    .with_context(|| file.display().to_string())?;
    db.close().await;
    println!(
        "plan {} imported ({}): {} tasks, {} assignments",
        imported.plan_id,
        if publish { "published" } else { "draft" },
        imported.tasks,
        imported.assignments
    );
    for name in &imported.new_units {
        println!("new unit, not in the registry: {name}");
    }
    for (task, group) in &imported.open_groups {
        println!("task {task}: '{group}' names no fixed units; assign its members by hand");
    }
    for warning in &imported.warnings {
        println!("warning: {warning}");
    }
    Ok(())
}
