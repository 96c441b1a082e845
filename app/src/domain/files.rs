//! File types as the portal decides them: by content, never by the name or the browser's word.
//! What each type is converted to before the cabinet shows it, which types a patient may upload,
//! and how a file's name travels in a `Content-Disposition` header (RFC 6266).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Gif,
    Tiff,
    Webp,
    Heic,
    /// Word 97–2003.
    Doc,
    Docx,
    /// Excel 97–2003.
    Xls,
    Xlsx,
    /// A structured electronic medical document (HL7 CDA XML): it travels by its own channel.
    Semd,
}

/// What a file becomes before the cabinet shows it; the original is kept as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// Office documents, by LibreOffice.
    ToPdf,
    /// Photos and other images; their metadata (GPS, camera) is dropped.
    ToWebp,
}

impl MediaType {
    pub const ALL: [MediaType; 12] = [
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Gif,
        MediaType::Tiff,
        MediaType::Webp,
        MediaType::Heic,
        MediaType::Doc,
        MediaType::Docx,
        MediaType::Xls,
        MediaType::Xlsx,
        MediaType::Semd,
    ];

    /// The types a patient may add to their own record.
    pub const PATIENT_UPLOADS: [MediaType; 3] = [MediaType::Pdf, MediaType::Jpeg, MediaType::Png];

    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Gif => "image/gif",
            MediaType::Tiff => "image/tiff",
            MediaType::Webp => "image/webp",
            MediaType::Heic => "image/heic",
            MediaType::Doc => "application/msword",
            MediaType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            MediaType::Xls => "application/vnd.ms-excel",
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::Semd => "application/xml",
        }
    }

    pub fn parse_mime(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.mime() == s)
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Gif => "gif",
            MediaType::Tiff => "tiff",
            MediaType::Webp => "webp",
            MediaType::Heic => "heic",
            MediaType::Doc => "doc",
            MediaType::Docx => "docx",
            MediaType::Xls => "xls",
            MediaType::Xlsx => "xlsx",
            MediaType::Semd => "xml",
        }
    }

    pub fn conversion(self) -> Option<Conversion> {
        match self {
            MediaType::Doc | MediaType::Docx | MediaType::Xls | MediaType::Xlsx => Some(Conversion::ToPdf),
            MediaType::Jpeg | MediaType::Png | MediaType::Gif | MediaType::Tiff | MediaType::Heic => {
                Some(Conversion::ToWebp)
            }
            MediaType::Pdf | MediaType::Webp | MediaType::Semd => None,
        }
    }

    /// The type the patient receives.
    pub fn delivered(self) -> MediaType {
        match self.conversion() {
            Some(Conversion::ToPdf) => MediaType::Pdf,
            Some(Conversion::ToWebp) => MediaType::Webp,
            None => self,
        }
    }

    /// How a page can show it: images in place, PDFs in a frame; the rest only downloads.
    pub fn preview(self) -> Preview {
        match self {
            MediaType::Webp | MediaType::Jpeg | MediaType::Png | MediaType::Gif => Preview::Image,
            MediaType::Pdf => Preview::Pdf,
            _ => Preview::None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preview {
    Image,
    Pdf,
    None,
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// How many bytes of a file's start and end `sniff` wants to see.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The file's type from its first and last bytes (up to `SNIFF_BYTES` each; `tail` may overlap
/// `head` for a small file), or none when it is not a type the portal takes.
pub fn sniff(head: &[u8], tail: &[u8]) -> Option<MediaType> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let anywhere = |needle: &[u8]| contains(head, needle) || contains(tail, needle);
    if starts(b"%PDF-") {
        return Some(MediaType::Pdf);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(MediaType::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(MediaType::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(MediaType::Gif);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Some(MediaType::Tiff);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(MediaType::Webp);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        let heif: [&[u8]; 8] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];
        return heif.contains(&brand).then_some(MediaType::Heic);
    }
    if starts(b"PK\x03\x04") {
        // Office Open XML: a zip whose entries name the application's part.
        if anywhere(b"word/document") {
            return Some(MediaType::Docx);
        }
        if anywhere(b"xl/workbook") {
            return Some(MediaType::Xlsx);
        }
        return None;
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // OLE compound file: the directory names the stream (UTF-16LE).
        if anywhere(&utf16le("WordDocument")) {
            return Some(MediaType::Doc);
        }
        if anywhere(&utf16le("Workbook")) || anywhere(&utf16le("Book")) {
            return Some(MediaType::Xls);
        }
        return None;
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = &text[text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len())..];
    if text.starts_with(b"<?xml") || text.starts_with(b"<ClinicalDocument") {
        return contains(text, b"<ClinicalDocument").then_some(MediaType::Semd);
    }
    None
}

/// The name the patient's copy carries: the original's stem with the delivered type's extension.
pub fn delivered_name(original: &str, t: MediaType) -> String {
    let stem = match original.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => original,
    };
    format!("{stem}.{}", t.delivered().extension())
}

/// A name as the person gave it, made safe to store and show: no path, no control characters,
/// at most 120 characters; "file" when nothing is left.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// `Content-Disposition` for a download (`attachment`) or an in-page view (`inline`): an ASCII
/// fallback and the UTF-8 name percent-encoded (RFC 6266, RFC 8187).
pub fn content_disposition(name: &str, inline: bool) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._- ".contains(c) { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// "1,5 МБ", "120 КБ" (Russian decimal comma) or "1.5 MB".
pub fn format_size(bytes: i64, lang: crate::i18n::Lang) -> String {
    let ru = lang == crate::i18n::Lang::Ru;
    let (value, unit) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), if ru { "МБ" } else { "MB" })
    } else {
        ((bytes as f64 / 1024.0).max(0.1), if ru { "КБ" } else { "KB" })
    };
    let text = format!("{value:.1}");
    let text = if ru { text.replace('.', ",") } else { text };
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_by_their_content_not_their_name() {
        let mut docx = b"PK\x03\x04\x14\0\0\0[Content_Types].xml".to_vec();
        docx.extend_from_slice(b"....word/document.xml");
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let mut xls = ole.clone();
        ole.extend(utf16le("WordDocument"));
        xls.extend(utf16le("Workbook"));
        let cases: Vec<(&str, Vec<u8>, Option<MediaType>)> = vec![
            ("pdf", b"%PDF-1.7\n...".to_vec(), Some(MediaType::Pdf)),
            ("jpeg", vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 0], Some(MediaType::Jpeg)),
            ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), Some(MediaType::Png)),
            ("gif", b"GIF89a....".to_vec(), Some(MediaType::Gif)),
            ("tiff", b"II*\0\x08\0\0\0".to_vec(), Some(MediaType::Tiff)),
            ("webp", b"RIFF\x10\0\0\0WEBPVP8 ".to_vec(), Some(MediaType::Webp)),
            ("heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(), Some(MediaType::Heic)),
            ("mp4 is not an image", b"\0\0\0\x18ftypisom\0\0\0\0".to_vec(), None),
            ("docx", docx, Some(MediaType::Docx)),
            ("xlsx", b"PK\x03\x04.....xl/workbook.xml".to_vec(), Some(MediaType::Xlsx)),
            ("any other zip", b"PK\x03\x04.....notes.txt".to_vec(), None),
            ("doc", ole, Some(MediaType::Doc)),
            ("xls", xls, Some(MediaType::Xls)),
            (
                "semd",
                b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\">".to_vec(),
                Some(MediaType::Semd),
            ),
            ("other xml", b"<?xml version=\"1.0\"?><html/>".to_vec(), None),
            ("an executable named .pdf", b"MZ\x90\0\x03\0\0\0".to_vec(), None),
            ("html", b"<!doctype html><script>".to_vec(), None),
            ("empty", vec![], None),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(sniff(&bytes, &bytes), expected, "{name}");
        }
        // The central directory at the end names the parts as well.
        assert_eq!(sniff(b"PK\x03\x04 no names here", b"...xl/workbook.xml..."), Some(MediaType::Xlsx));
        for t in MediaType::ALL {
            assert_eq!(MediaType::parse_mime(t.mime()), Some(t));
        }
    }

    #[test]
    fn office_files_become_pdf_and_images_webp_with_the_original_kept() {
        assert_eq!(MediaType::Docx.delivered(), MediaType::Pdf);
        assert_eq!(MediaType::Xlsx.delivered(), MediaType::Pdf);
        assert_eq!(MediaType::Heic.delivered(), MediaType::Webp);
        assert_eq!(MediaType::Jpeg.delivered(), MediaType::Webp);
        assert_eq!(MediaType::Pdf.delivered(), MediaType::Pdf);
        assert_eq!(MediaType::Pdf.conversion(), None);
        assert_eq!(delivered_name("Анализ крови.docx", MediaType::Docx), "Анализ крови.pdf");
        assert_eq!(delivered_name("IMG_0001.HEIC", MediaType::Heic), "IMG_0001.webp");
        assert_eq!(delivered_name("scan", MediaType::Png), "scan.webp");
        assert_eq!(delivered_name(".hidden", MediaType::Pdf), ".hidden.pdf");
    }

    #[test]
    fn names_lose_their_path_and_travel_encoded() {
        assert_eq!(clean_name("C:\\Users\\x\\..\\Результат.pdf"), "Результат.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_name("..."), "file");
        assert_eq!(clean_name(&"я".repeat(300)).chars().count(), 120);
        assert_eq!(
            content_disposition("Анализ \"1\".pdf", false),
            "attachment; filename=\"______ _1_.pdf\"; filename*=UTF-8''%D0%90%D0%BD%D0%B0%D0%BB%D0%B8%D0%B7%20%221%22.pdf"
        );
        assert!(content_disposition("a.pdf", true).starts_with("inline; filename=\"a.pdf\""));
    }

    #[test]
    fn sizes_read_in_the_readers_language() {
        use crate::i18n::Lang;
        assert_eq!(format_size(16 * 1024 * 1024 + 1, Lang::Ru), "16,0 МБ");
        assert_eq!(format_size(1536 * 1024, Lang::En), "1.5 MB");
        assert_eq!(format_size(120 * 1024, Lang::Ru), "120,0 КБ");
    }
}
