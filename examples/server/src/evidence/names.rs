//! File names of uploads: kept only as metadata (files are stored under a generated id), made
//! safe to show and to send back.
//!
//! - [`sanitize`]: the last path component only (`../../etc/passwd` → `passwd`), Unicode NFC
//!   (a Vietnamese name typed on a Mac arrives decomposed, NFD), no control, bidirectional
//!   override or invisible formatting characters (`bao-cao\u{202E}fdp.exe` shows as
//!   `bao-caoexe.pdf` otherwise), no leading dots, at most [`MAX_CHARS`] characters with the
//!   extension kept.
//! - [`content_disposition`]: `attachment` with an ASCII fallback and the exact name
//!   RFC 6266 / RFC 8187-encoded (`filename*=UTF-8''…`).

use unicode_normalization::UnicodeNormalization;

/// The longest name kept, in characters.
pub const MAX_CHARS: usize = 150;

/// Characters that change how text around them is displayed, or are invisible: bidirectional
/// embeddings, overrides and isolates, marks, zero-width characters, the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{00AD}')
}

/// A name fit to keep and show: see the module's documentation. Never empty.
pub fn sanitize(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    // Characters are dropped and replaced first, and the result composed (NFC) after: dropping
    // a character can bring a letter and a combining mark together, which must then compose,
    // or sanitizing the name again would change it.
    let kept: String = last
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let mut out = String::with_capacity(kept.len());
    let mut space = false;
    for c in kept.nfc() {
        if c == ' ' {
            if space {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        out.push(c);
    }
    let trimmed = out
        .trim()
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let name = if trimmed.is_empty() {
        "tep".to_owned()
    } else {
        trimmed.to_owned()
    };
    // Cutting may leave a space or a dot at the end: trimmed again, so that a sanitized name
    // sanitizes to itself.
    shorten(&name).trim_end_matches(['.', ' ']).to_owned()
}

fn shorten(name: &str) -> String {
    let count = name.chars().count();
    if count <= MAX_CHARS {
        return name.to_owned();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => {
            let keep = MAX_CHARS - ext.chars().count() - 1;
            let stem: String = stem.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        _ => name.chars().take(MAX_CHARS).collect(),
    }
}

/// The extension of a (sanitized) name, lowercase, if it has one.
pub fn extension(name: &str) -> Option<String> {
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => Some(ext.to_lowercase()),
        _ => None,
    }
}

/// An ASCII rendering for old clients: Vietnamese letters without their marks (`Báo cáo` →
/// `Bao cao`, `đ` → `d`), anything else outside printable ASCII as `_`, no quotes or
/// backslashes.
pub fn ascii_fallback(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfd() {
        match c {
            '\u{0300}'..='\u{036F}' => {}
            'đ' => out.push('d'),
            'Đ' => out.push('D'),
            '"' | '\\' | '%' | ';' => out.push('_'),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            _ => out.push('_'),
        }
    }
    out
}

/// Percent-encodes for `filename*` (RFC 8187 `attr-char` kept as is).
fn rfc8187(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `attachment; filename="…"; filename*=UTF-8''…` for a name.
pub fn content_disposition(name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(name),
        rfc8187(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd");
        assert_eq!(sanitize("C:\\Users\\a\\Báo cáo.pdf"), "Báo cáo.pdf");
        assert_eq!(sanitize("..\\..\\..\\.bashrc"), "bashrc");
        assert_eq!(sanitize("hoa-don\u{202E}fdp.exe"), "hoa-donfdp.exe");
        assert_eq!(sanitize("a\u{0000}b\r\nc.pdf"), "abc.pdf");
        assert_eq!(sanitize("  a   b\t.pdf  "), "a b.pdf");
        assert_eq!(sanitize("a \u{3000}b.pdf"), "a b.pdf");
        assert_eq!(sanitize("..."), "tep");
        assert_eq!(sanitize(""), "tep");
        assert_eq!(sanitize("<script>.pdf"), "_script_.pdf");
        // A control character between a letter and its mark: dropped, and the two compose
        // (found by fuzzing).
        assert_eq!(sanitize("Ba\r\u{301}o.pdf"), "Báo.pdf");
        assert_eq!(sanitize("e\u{200B}\u{301}.pdf"), "é.pdf");
        let nfd = "Ba\u{301}o ca\u{301}o.pdf";
        assert_eq!(sanitize(nfd), "Báo cáo.pdf");
        assert_eq!(sanitize(nfd), sanitize("Báo cáo.pdf"));
        let long = format!("{}.pdf", "ả".repeat(2000));
        let s = sanitize(&long);
        assert_eq!(s.chars().count(), MAX_CHARS);
        assert!(s.ends_with(".pdf"));
        // A long name without an extension, cut where a space or a dot falls: the cut name
        // must not end with either, or sanitizing it again would change it (found by fuzzing).
        for filler in [" ", ".", " . "] {
            for at in MAX_CHARS - 3..=MAX_CHARS {
                let raw = format!("{}{filler}{}", "a".repeat(at - 1), "b".repeat(300));
                let once = sanitize(&raw);
                assert_eq!(sanitize(&once), once, "{raw:?}");
                assert!(!once.ends_with([' ', '.']), "{once:?}");
            }
        }
        assert_eq!(extension("Báo cáo.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension("passwd"), None);
        assert_eq!(extension(".pdf"), None);
    }

    #[test]
    fn content_disposition_follows_rfc_6266() {
        assert_eq!(
            content_disposition("Báo cáo \"quý\" 1.pdf"),
            "attachment; filename=\"Bao cao _quy_ 1.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22qu%C3%BD%22%201.pdf"
        );
        assert_eq!(ascii_fallback("Đề án.pdf"), "De an.pdf");
        assert_eq!(ascii_fallback("文件.pdf"), "__.pdf");
    }
}
