//! Evidence files: the kinds accepted, and a check that a file is what its
//! name says (a renamed executable is not a PDF).

/// A file kind Duban accepts as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Jpeg,
    Png,
    Text,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    fn by_extension(name: &str) -> Option<Kind> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match extension.as_str() {
            "pdf" => Kind::Pdf,
            "docx" => Kind::Docx,
            "xlsx" => Kind::Xlsx,
            "jpg" | "jpeg" => Kind::Jpeg,
            "png" => Kind::Png,
            "txt" => Kind::Text,
            _ => return None,
        })
    }

    /// Whether the bytes begin the way this kind of file does.
    fn matches(self, bytes: &[u8]) -> bool {
        match self {
            Kind::Pdf => bytes.starts_with(b"%PDF-"),
            Kind::Docx | Kind::Xlsx => bytes.starts_with(b"PK\x03\x04"),
            Kind::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Kind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Kind::Text => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
        }
    }
}

/// The kind of an uploaded file, from its name, checked against its content.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<Kind, String> {
    // The name is shown on pages and sent back in a header: no folders, no
    // control characters (line breaks, NUL), no hidden-file dot, bounded.
    if file_name.trim().is_empty()
        || file_name.contains(['/', '\\'])
        || file_name.chars().any(char::is_control)
        || file_name.starts_with('.')
        || file_name.chars().count() > 200
    {
        return Err(
            "give the file a plain name (no folders or control characters, at most 200 characters)"
                .into(),
        );
    }
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    let kind = Kind::by_extension(file_name).ok_or_else(|| {
        format!("'{file_name}': evidence is accepted as .pdf, .docx, .xlsx, .jpg, .png or .txt")
    })?;
    if !kind.matches(bytes) {
        return Err(format!(
            "'{file_name}' is not what its name says: its content is not a {kind:?} file"
        ));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_contents_must_agree() {
        assert_eq!(check("竣工证明.pdf", b"%PDF-1.7 ..."), Ok(Kind::Pdf));
        assert_eq!(check("照片.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok(Kind::Jpeg));
        assert_eq!(check("说明.txt", "已完成".as_bytes()), Ok(Kind::Text));
        assert!(
            check("竣工证明.pdf", b"MZ\x90\x00 an executable")
                .unwrap_err()
                .contains("not what its name says")
        );
        assert!(check("tool.exe", b"MZ").is_err());
        assert!(check("../etc/passwd.txt", b"x").is_err());
        assert!(check("empty.pdf", b"").is_err());
        assert!(check("证明\r\nSet-Cookie: x.pdf", b"%PDF-1.7").is_err());
        assert!(check("a\0.pdf", b"%PDF-1.7").is_err());
        assert!(check(".hidden.pdf", b"%PDF-1.7").is_err());
    }
}
