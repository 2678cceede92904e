//! Documents opened the way an office opens them: Debian's LibreOffice,
//! headless, prints a file to PDF, and `pdftotext` reads the PDF back.

use std::path::Path;
use std::process::Command;

/// Prints `bytes` (saved as `name`, whose extension tells LibreOffice what it
/// is) to PDF and returns the PDF's text without white space: pdftotext
/// breaks and spaces CJK text where the page does.
pub fn printed_text(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    // A profile of its own, so that runs in parallel do not share one.
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let converted = Command::new("libreoffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .output()
        .expect("libreoffice runs (Debian: libreoffice-calc-nogui, libreoffice-writer-nogui)");
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let stem = Path::new(name).file_stem().unwrap().to_string_lossy();
    let pdf = dir.path().join(format!("{stem}.pdf"));
    assert!(
        pdf.exists(),
        "{}",
        String::from_utf8_lossy(&converted.stdout)
    );
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (Debian: poppler-utils)");
    assert!(text.status.success());
    String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}
