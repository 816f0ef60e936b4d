//! The evidence types accepted (an allow-list of file extensions) and the signature check:
//! the first bytes of a file must be those of the type its extension names, so a PNG renamed
//! `.pdf` or a web page saved as `.pdf` is refused (415) before anything is kept.
//!
//! Signatures are recognised with the `infer` crate, except OLE2 compound files (the old
//! `.doc`, `.xls`, `.ppt`), whose magic number is checked here: `infer` would parse the
//! compound file's directory, which the first bytes of an upload do not hold.

/// How a type's content is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `%PDF`.
    Pdf,
    /// An OLE2 compound file (Word, Excel, PowerPoint 97–2003).
    Ole2,
    /// A ZIP container that `infer` may name more precisely (`docx`, `odt`, …): accepted when
    /// it names this type or only says "zip".
    ZipOf(&'static str),
    /// Any ZIP archive (Office and OpenDocument files are ZIP archives too).
    Zip,
    /// A JPEG image.
    Jpeg,
    /// A PNG image.
    Png,
    /// A type without a signature (configured by the administrator, e.g. `txt`): accepted when
    /// the content is not recognisably something else.
    Plain,
}

/// One accepted type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    /// The extension, lowercase, without the dot.
    pub ext: String,
    /// The media type recorded and sent back on download.
    pub media_type: &'static str,
    /// How the content is recognised.
    pub family: Family,
}

/// The types with a known signature: (extension, media type, family).
const KNOWN: &[(&str, &str, Family)] = &[
    ("pdf", "application/pdf", Family::Pdf),
    ("doc", "application/msword", Family::Ole2),
    ("xls", "application/vnd.ms-excel", Family::Ole2),
    ("ppt", "application/vnd.ms-powerpoint", Family::Ole2),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Family::ZipOf("docx"),
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Family::ZipOf("xlsx"),
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Family::ZipOf("pptx"),
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        Family::ZipOf("odt"),
    ),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        Family::ZipOf("ods"),
    ),
    (
        "odp",
        "application/vnd.oasis.opendocument.presentation",
        Family::ZipOf("odp"),
    ),
    ("jpg", "image/jpeg", Family::Jpeg),
    ("jpeg", "image/jpeg", Family::Jpeg),
    ("png", "image/png", Family::Png),
    ("zip", "application/zip", Family::Zip),
];

const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// How many first bytes of a file the signature check looks at (`infer` recognises Office
/// files by the names of the first entries of the ZIP archive).
pub const HEAD: usize = 16 * 1024;

/// The accepted types, from the configuration.
#[derive(Debug, Clone)]
pub struct AllowList {
    kinds: Vec<Kind>,
}

impl AllowList {
    /// The list from extensions (`pdf`, `.docx`, `PNG`); an extension without a known
    /// signature is accepted as a plain type (`application/octet-stream`).
    pub fn parse(exts: &[String]) -> Result<AllowList, String> {
        let mut kinds: Vec<Kind> = Vec::new();
        for raw in exts {
            let ext = raw.trim().trim_start_matches('.').to_ascii_lowercase();
            if ext.is_empty() {
                continue;
            }
            if !ext.chars().all(|c| c.is_ascii_alphanumeric()) || ext.len() > 10 {
                return Err(format!(
                    "evidence type `{raw}`: give file extensions such as pdf, docx, png"
                ));
            }
            if kinds.iter().any(|k| k.ext == ext) {
                continue;
            }
            let kind = KNOWN
                .iter()
                .find(|(e, _, _)| *e == ext)
                .map(|(_, media_type, family)| Kind {
                    ext: ext.clone(),
                    media_type,
                    family: *family,
                })
                .unwrap_or(Kind {
                    ext,
                    media_type: "application/octet-stream",
                    family: Family::Plain,
                });
            kinds.push(kind);
        }
        if kinds.is_empty() {
            return Err("no evidence type is allowed: give at least one extension".into());
        }
        Ok(AllowList { kinds })
    }

    /// The type of an extension, if accepted.
    pub fn get(&self, ext: &str) -> Option<&Kind> {
        let ext = ext.to_ascii_lowercase();
        self.kinds.iter().find(|k| k.ext == ext)
    }

    /// The extensions, for people (`PDF, DOC, DOCX, …`).
    pub fn describe(&self) -> String {
        self.kinds
            .iter()
            .map(|k| k.ext.to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The `accept` attribute of a file input (`.pdf,.docx,…`).
    pub fn accept(&self) -> String {
        self.kinds
            .iter()
            .map(|k| format!(".{}", k.ext))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn is_zip(head: &[u8]) -> bool {
    [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"]
        .iter()
        .any(|m| head.starts_with(*m))
}

/// What the first bytes look like (`pdf`, `png`, `docx`, `ole2`, `html` …), if anything.
pub fn detect(head: &[u8]) -> Option<String> {
    if head.starts_with(&OLE2_MAGIC) {
        return Some("ole2".into());
    }
    infer::get(head).map(|t| t.extension().to_owned())
}

/// Whether the first bytes of a file agree with its type; the refusal names what the content
/// looks like, when it looks like something.
pub fn check(kind: &Kind, head: &[u8]) -> Result<(), Option<String>> {
    let detected = detect(head);
    let d = detected.as_deref();
    let ok = match kind.family {
        Family::Pdf => d == Some("pdf"),
        Family::Ole2 => d == Some("ole2"),
        Family::ZipOf(e) => is_zip(head) && matches!(d, Some(x) if x == e || x == "zip"),
        Family::Zip => is_zip(head),
        Family::Jpeg => d == Some("jpg"),
        Family::Png => d == Some("png"),
        Family::Plain => d.is_none(),
    };
    if ok { Ok(()) } else { Err(detected) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> AllowList {
        AllowList::parse(&crate::config::Config::default().evidence_types.to_vec()).unwrap()
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn signatures_must_agree_with_extensions() {
        let l = list();
        let pdf = l.get("PDF").unwrap();
        assert!(check(pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").is_ok());
        assert_eq!(check(pdf, PNG), Err(Some("png".into())));
        assert_eq!(
            check(pdf, b"<!DOCTYPE html><html><script>alert(1)</script>"),
            Err(Some("html".into()))
        );
        assert_eq!(check(pdf, b"%PD"), Err(None));
        assert!(check(l.get("png").unwrap(), PNG).is_ok());
        assert!(check(l.get("jpeg").unwrap(), b"\xff\xd8\xff\xe0\0\x10JFIF\0").is_ok());
        assert!(check(l.get("doc").unwrap(), &OLE2_MAGIC).is_ok());
        assert!(check(l.get("xlsx").unwrap(), b"PK\x03\x04\x14\0\0\0\x08\0").is_ok());
        assert!(check(l.get("zip").unwrap(), b"PK\x05\x06\0\0\0\0").is_ok());
        assert!(check(l.get("docx").unwrap(), b"%PDF-1.4").is_err());
        assert!(l.get("exe").is_none() && l.get("html").is_none());
    }

    #[test]
    fn plain_types_refuse_recognisable_content() {
        let l = AllowList::parse(&["txt".into(), ".PDF".into(), "pdf".into()]).unwrap();
        assert_eq!(l.describe(), "TXT, PDF");
        assert_eq!(l.accept(), ".txt,.pdf");
        let txt = l.get("txt").unwrap();
        assert!(check(txt, "Báo cáo năm 2026".as_bytes()).is_ok());
        assert!(check(txt, b"<html><body>x</body></html>").is_err());
        assert!(AllowList::parse(&["p d f".into()]).is_err());
        assert!(AllowList::parse(&[]).is_err());
    }
}
