//! `duban import FILE`: load a plan document into the database.

use std::path::Path;

use anyhow::Context;

use crate::clock::SystemClock;
use crate::domain::roles::Actor;
use crate::service::import::{Document, import_plan};
use crate::service::revisions::revise_plan;
use crate::store::Db;

pub async fn run(
    db_url: &str,
    file: &Path,
    registry: Option<&Path>,
    publish: bool,
    revise: Option<i64>,
) -> anyhow::Result<()> {
    let registry = super::load_registry(registry)?;
    let bytes = super::parse::read_document(file)?;
    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let name = file
        .file_name()
        .map_or_else(|| "stdin".to_string(), |n| n.to_string_lossy().into_owned());
    if let Some(plan_id) = revise {
        let revised = revise_plan(
            &db,
            &SystemClock,
            &Actor::operator(),
            &registry,
            plan_id,
            Document {
                name: &name,
                bytes: &bytes,
            },
        )
        .await
        .with_context(|| file.display().to_string())?;
        db.close().await;
        let d = &revised.diff;
        println!(
            "plan {plan_id} revision {}: {} tasks added, {} removed, {} reworded, {} with units moved; {} assignments added, {} withdrawn",
            revised.revision,
            d.added.len(),
            d.removed.len(),
            d.reworded.len(),
            d.units_moved.len(),
            revised.assignments_added,
            revised.assignments_withdrawn
        );
        for number in &d.added {
            println!("+ task {number}");
        }
        for number in &d.removed {
            println!("- task {number}");
        }
        for change in &d.reworded {
            println!("~ task {}: {}", change.number, change.after);
        }
        for moved in &d.units_moved {
            let added: Vec<String> = moved
                .added
                .iter()
                .map(|(n, r)| format!("+{n}({r})"))
                .collect();
            let removed: Vec<String> = moved
                .removed
                .iter()
                .map(|(n, r)| format!("-{n}({r})"))
                .collect();
            println!(
                "* task {}: {} {}",
                moved.number,
                added.join(" "),
                removed.join(" ")
            );
        }
        return Ok(());
    }
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
