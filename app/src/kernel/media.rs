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
        // A macro-enabled package (.docm, .xlsm) holds its code in vbaProject.bin, named in
        // its local header and again in the central directory at the end: refused.
        if anywhere(b"vbaProject.bin") {
            return None;
        }
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

/// The most pixels an image may have to be converted: a 50-megapixel photo is larger than any
/// phone's; a "decompression bomb" (a small file declaring a huge picture) is far over it.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// How many bytes of an image's start `image_size` wants to see (a JPEG's frame header follows
/// its metadata, which may be long).
pub const IMAGE_HEADER_BYTES: usize = 1024 * 1024;

fn be16(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]) as u32)
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}
fn le16(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]) as u32)
}
fn le24(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 3).map(|s| u32::from_le_bytes([s[0], s[1], s[2], 0]))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Width and height an image declares in its header (`head`: its first bytes, up to
/// `IMAGE_HEADER_BYTES`), read without decoding it; none when the header does not say within
/// `head`. A HEIC's largest declared image (`ispe`) counts: a grid's tiles are smaller than it.
pub fn image_size(media: MediaType, head: &[u8]) -> Option<(u32, u32)> {
    match media {
        MediaType::Png => (head.get(12..16) == Some(b"IHDR")).then(|| Some((be32(head, 16)?, be32(head, 20)?)))?,
        MediaType::Gif => Some((le16(head, 6)?, le16(head, 8)?)),
        MediaType::Jpeg => jpeg_size(head),
        MediaType::Webp => match head.get(12..16)? {
            b"VP8 " => Some((le16(head, 26)? & 0x3FFF, le16(head, 28)? & 0x3FFF)),
            b"VP8L" => {
                let bits = le32(head, 21)?;
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8X" => Some((le24(head, 24)? + 1, le24(head, 27)? + 1)),
            _ => None,
        },
        MediaType::Heic => head
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == b"ispe")
            // The box: size, "ispe", version and flags, width, height.
            .filter_map(|(i, _)| Some((be32(head, i + 8)?, be32(head, i + 12)?)))
            .max_by_key(|(w, h)| *w as u64 * *h as u64),
        MediaType::Tiff => tiff_size(head),
        _ => None,
    }
}

/// A JPEG's size from its first frame header (SOF0–SOF15, less DHT, JPG and DAC).
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        match marker {
            0xFF => at += 1,
            0x01 | 0xD0..=0xD9 => at += 2,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(b, at + 7)?, be16(b, at + 5)?));
            }
            _ => at += 2 + be16(b, at + 2)? as usize,
        }
    }
}

/// A TIFF's size from its first directory (tags 256 and 257), when that lies within `b`.
fn tiff_size(b: &[u8]) -> Option<(u32, u32)> {
    let little = b.starts_with(b"II");
    let u16_at = |at: usize| if little { le16(b, at) } else { be16(b, at) };
    let u32_at = |at: usize| if little { le32(b, at) } else { be32(b, at) };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    let (mut w, mut h) = (None, None);
    for i in 0..count.min(512) {
        let e = ifd + 2 + i * 12;
        let value = match u16_at(e + 2)? {
            3 => u16_at(e + 8)?,
            4 => u32_at(e + 8)?,
            _ => continue,
        };
        match u16_at(e)? {
            256 => w = Some(value),
            257 => h = Some(value),
            _ => {}
        }
    }
    Some((w?, h?))
}

/// Whether an image declares more pixels than the portal converts.
pub fn image_too_large(media: MediaType, head: &[u8]) -> bool {
    image_size(media, head).is_some_and(|(w, h)| w as u64 * h as u64 > MAX_IMAGE_PIXELS)
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
            ("docm", b"PK\x03\x04.....word/document.xml....word/vbaProject.bin".to_vec(), None),
            ("xlsm", b"PK\x03\x04.....xl/workbook.xml....xl/vbaProject.bin".to_vec(), None),
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
        assert_eq!(sniff(b"PK\x03\x04...word/document.xml", b"...word/vbaProject.bin..."), None);
        for t in MediaType::ALL {
            assert_eq!(MediaType::parse_mime(t.mime()), Some(t));
        }
    }

    #[test]
    fn image_sizes_are_read_from_headers_and_bombs_told_apart() {
        let png = |w: u32, h: u32| {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            b.extend(w.to_be_bytes());
            b.extend(h.to_be_bytes());
            b.extend([8, 2, 0, 0, 0]);
            b
        };
        let mut gif = b"GIF89a".to_vec();
        gif.extend([0x20, 0x03, 0x58, 0x02]);
        // An EXIF segment before the frame header, as cameras write it.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, 1, 2, 3, 4];
        jpeg.extend([0xFF, 0xC2, 0x00, 0x11, 0x08, 0x0B, 0xB8, 0x0F, 0xA0, 0x03]);
        let webp = |kind: &[u8], body: &[u8]| {
            let mut b = b"RIFF\0\0\0\0WEBP".to_vec();
            b.extend(kind);
            b.extend([0, 0, 0, 0]);
            b.extend(body);
            b
        };
        let vp8 = webp(b"VP8 ", &[0, 0, 0, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01]);
        // 14 bits of width - 1 (99), then 14 of height - 1 (49).
        let bits: u32 = 99 | (49 << 14);
        let mut vp8l_body = vec![0x2F];
        vp8l_body.extend(bits.to_le_bytes());
        let vp8l = webp(b"VP8L", &vp8l_body);
        let vp8x = webp(b"VP8X", &[0, 0, 0, 0, 0x0F, 0x27, 0, 0x0F, 0x27, 0]);
        let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic....".to_vec();
        for (w, h) in [(512u32, 512u32), (100_000, 100_000)] {
            heic.extend(20u32.to_be_bytes());
            heic.extend(b"ispe\0\0\0\0");
            heic.extend(w.to_be_bytes());
            heic.extend(h.to_be_bytes());
        }
        let mut tiff = b"II*\0\x08\0\0\0\x02\0".to_vec();
        tiff.extend([0x00, 0x01, 3, 0, 1, 0, 0, 0, 0x40, 0x1F, 0, 0]);
        tiff.extend([0x01, 0x01, 4, 0, 1, 0, 0, 0, 0x40, 0x1F, 0, 0]);
        type Case = (&'static str, MediaType, Vec<u8>, Option<(u32, u32)>, bool);
        let cases: Vec<Case> = vec![
            ("png", MediaType::Png, png(64, 64), Some((64, 64)), false),
            ("png bomb", MediaType::Png, png(100_000, 100_000), Some((100_000, 100_000)), true),
            ("png at the cap", MediaType::Png, png(10_000, 5_000), Some((10_000, 5_000)), false),
            ("png one row over", MediaType::Png, png(10_000, 5_001), Some((10_000, 5_001)), true),
            ("gif", MediaType::Gif, gif, Some((800, 600)), false),
            ("jpeg after exif", MediaType::Jpeg, jpeg, Some((4000, 3000)), false),
            ("webp lossy", MediaType::Webp, vp8, Some((640, 480)), false),
            ("webp lossless", MediaType::Webp, vp8l, Some((100, 50)), false),
            ("webp extended", MediaType::Webp, vp8x, Some((10_000, 10_000)), true),
            ("heic: its largest image", MediaType::Heic, heic, Some((100_000, 100_000)), true),
            ("tiff", MediaType::Tiff, tiff, Some((8000, 8000)), true),
            ("cut short", MediaType::Png, png(64, 64)[..18].to_vec(), None, false),
            ("jpeg without a frame header", MediaType::Jpeg, vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00], None, false),
            ("not an image type", MediaType::Pdf, b"%PDF-1.7".to_vec(), None, false),
        ];
        for (name, media, head, size, too_large) in cases {
            assert_eq!(image_size(media, &head), size, "{name}");
            assert_eq!(image_too_large(media, &head), too_large, "{name}");
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
