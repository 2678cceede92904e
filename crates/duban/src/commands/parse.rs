//! `duban parse FILE`: the plan found in a document, as JSON on stdout.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, bail};
use duban_plan::{MAX_DOCUMENT_BYTES, ParseError};

pub fn run(file: &Path, registry: Option<&Path>, compact: bool) -> anyhow::Result<()> {
    let registry = super::load_registry(registry)?;
    let bytes = read_document(file)?;
    let plan = duban_plan::parse(&bytes, &registry).with_context(|| file.display().to_string())?;
    // Render fully before writing, so a failure never leaves partial JSON on stdout.
    let mut json = if compact {
        serde_json::to_string(&plan)?
    } else {
        serde_json::to_string_pretty(&plan)?
    };
    json.push('\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(json.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Reads the document, refusing oversized input before it is loaded.
pub fn read_document(file: &Path) -> anyhow::Result<Vec<u8>> {
    let limit = MAX_DOCUMENT_BYTES;
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        let metadata =
            std::fs::metadata(file).with_context(|| format!("cannot open {}", file.display()))?;
        if metadata.is_dir() {
            bail!("{} is a directory, not a document", file.display());
        }
        if metadata.len() > limit {
            return Err(ParseError::TooLarge {
                size: metadata.len(),
            })
            .with_context(|| file.display().to_string());
        }
        std::fs::File::open(file)
            .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
            .with_context(|| format!("cannot read {}", file.display()))?;
    }
    if bytes.len() as u64 > limit {
        return Err(ParseError::TooLarge {
            size: bytes.len() as u64,
        })
        .with_context(|| file.display().to_string());
    }
    Ok(bytes)
}
