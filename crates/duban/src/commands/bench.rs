//! `duban bench gen`: writes the synthetic city (or a smaller scale) into a
//! database with a progress bar, and the manifest a load test reads to sign
//! in as its users and aim at their pages.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::bench::{Scale, writer};
use crate::store::Db;

/// Overrides of a preset's sizes, from the command line.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Sizes {
    #[arg(long)]
    pub units: Option<usize>,
    #[arg(long)]
    pub tasks: Option<usize>,
    #[arg(long)]
    pub assignments: Option<usize>,
    #[arg(long)]
    pub reports: Option<usize>,
    #[arg(long)]
    pub measures: Option<usize>,
    #[arg(long)]
    pub users: Option<usize>,
}

pub async fn generate(
    db_url: &str,
    preset: &str,
    as_of: &str,
    seed: u64,
    sizes: &Sizes,
    manifest: &Path,
) -> anyhow::Result<()> {
    let as_of = as_of
        .parse()
        .with_context(|| format!("--as-of '{as_of}' is not a date (YYYY-MM-DD)"))?;
    let mut scale = Scale::preset(preset, as_of, seed)
        .with_context(|| format!("--scale '{preset}' is not one of city, district, small"))?;
    let set = |value: &mut usize, given: Option<usize>| {
        if let Some(given) = given {
            *value = given;
        }
    };
    set(&mut scale.units, sizes.units);
    set(&mut scale.tasks, sizes.tasks);
    set(&mut scale.assignments, sizes.assignments);
    set(&mut scale.reports, sizes.reports);
    set(&mut scale.measures, sizes.measures);
    set(&mut scale.users, sizes.users);
    scale.check().map_err(anyhow::Error::msg)?;

    let db = Db::connect(db_url)
        .await
        .with_context(|| format!("cannot open the database {db_url}"))?;
    let started = Instant::now();
    let bars = Bars::new();
    let made = writer::write(&db, &scale, &|stage, done, total| {
        bars.show(stage, done, total)
    })
    .await;
    bars.finish();
    let made = made?;
    let json = serde_json::to_string_pretty(&made)?;
    std::fs::write(manifest, json)
        .with_context(|| format!("cannot write the manifest {}", manifest.display()))?;
    db.close().await;
    let c = &made.counts;
    println!(
        "{} ({} backend) in {:.1} s: {} plans, {} units, {} tasks, {} assignments, {} measures, {} reports ({} figures), {} users",
        scale.name,
        db.backend(),
        started.elapsed().as_secs_f64(),
        c.plans,
        c.units,
        c.tasks,
        c.assignments,
        c.measures,
        c.reports,
        c.report_actuals,
        c.users
    );
    let mut stages: Vec<_> = made.seconds.iter().collect();
    stages.sort_by(|a, b| b.1.total_cmp(a.1));
    println!(
        "stages: {}",
        stages
            .iter()
            .map(|(stage, s)| format!("{stage} {s:.1} s"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "manifest: {} (every account's password is \"{}\")",
        manifest.display(),
        writer::PASSWORD
    );
    Ok(())
}

/// One bar per stage, drawn on standard error (hidden when it is not a terminal).
struct Bars {
    all: MultiProgress,
    bars: std::sync::Mutex<Vec<(String, ProgressBar)>>,
}

impl Bars {
    fn new() -> Bars {
        Bars {
            all: MultiProgress::new(),
            bars: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn show(&self, stage: &str, done: u64, total: u64) {
        let Ok(mut bars) = self.bars.lock() else {
            return;
        };
        if !bars.iter().any(|(name, _)| name == stage) {
            let bar = self.all.add(ProgressBar::new(total));
            bar.set_style(
                ProgressStyle::with_template("{prefix:>9} [{bar:40}] {pos}/{len} {per_sec} {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(stage.to_string());
            bar.enable_steady_tick(Duration::from_millis(200));
            bars.push((stage.to_string(), bar));
        }
        if let Some((_, bar)) = bars.iter().find(|(name, _)| name == stage) {
            bar.set_length(total);
            bar.set_position(done);
            if done >= total {
                bar.finish();
            }
        }
    }

    fn finish(&self) {
        if let Ok(bars) = self.bars.lock() {
            for (_, bar) in bars.iter() {
                bar.finish();
            }
        }
    }
}
