//! Office Open XML packages (DOCX, XLSX) made safe to hand to LibreOffice: a relationship with
//! `TargetMode="External"` makes it fetch a URL (an image "linked" from a server), so those are
//! dropped before conversion. This is the second line; the first is that converters have no
//! network (see `convert`). A package with macros (`vbaProject.bin`) is refused.

use std::io::Read;
use std::path::Path;

/// A relationships part larger than this is not a real one.
const MAX_RELS_BYTES: u64 = 4 * 1024 * 1024;

/// Copies the package at `input` to `output` with every external relationship dropped; other
/// parts are copied as they are, without being decompressed.
pub fn sanitize(input: &Path, output: &Path) -> Result<usize, String> {
    let file = std::fs::File::open(input).map_err(|e| format!("ooxml: {e}"))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| format!("ooxml: {e}"))?;
    let out = std::fs::File::create(output).map_err(|e| format!("ooxml: {e}"))?;
    let mut writer = zip::ZipWriter::new(std::io::BufWriter::new(out));
    let mut dropped = 0;
    for i in 0..zip.len() {
        let name = match zip.name_for_index(i) {
            Some(Ok(name)) => name.to_string(),
            _ => return Err("ooxml: unreadable entry name".into()),
        };
        if is_macro_part(&name) {
            return Err("ooxml: macros (vbaProject.bin) refused".into());
        }
        if name.to_ascii_lowercase().ends_with(".rels") {
            let mut entry = zip.by_index(i).map_err(|e| format!("ooxml: {e}"))?;
            let mut bytes = Vec::new();
            (&mut entry).take(MAX_RELS_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("ooxml: {e}"))?;
            if bytes.len() as u64 > MAX_RELS_BYTES {
                return Err("ooxml: relationships part too large".into());
            }
            let text = String::from_utf8(bytes).map_err(|_| "ooxml: relationships part is not UTF-8".to_string())?;
            let (kept, n) = drop_external_relationships(&text);
            dropped += n;
            drop(entry);
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            writer.start_file(name, options).map_err(|e| format!("ooxml: {e}"))?;
            std::io::Write::write_all(&mut writer, kept.as_bytes()).map_err(|e| format!("ooxml: {e}"))?;
        } else {
            let entry = zip.by_index_raw(i).map_err(|e| format!("ooxml: {e}"))?;
            writer.raw_copy_file(entry).map_err(|e| format!("ooxml: {e}"))?;
        }
    }
    writer.finish().map_err(|e| format!("ooxml: {e}"))?;
    Ok(dropped)
}

fn is_macro_part(name: &str) -> bool {
    name.rsplit('/').next().is_some_and(|base| base.eq_ignore_ascii_case("vbaProject.bin"))
}

/// The end of the tag that starts `s` (which begins with `<`): the index just past its `>`,
/// quotes respected (an attribute value may hold `>`). Comments end at `-->`.
fn tag_end(s: &str) -> Option<usize> {
    if s.starts_with("<!--") {
        return s.find("-->").map(|i| i + 3);
    }
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The tag's name without its namespace prefix ("Relationship" for `<r:Relationship …>`).
fn local_name(tag: &str) -> &str {
    let name = tag.trim_start_matches('<');
    let end = name.find(|c: char| c.is_whitespace() || c == '/' || c == '>').unwrap_or(name.len());
    let name = &name[..end];
    name.rsplit(':').next().unwrap_or(name)
}

/// The tag's attributes as (local name, raw value).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let body = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut rest = body.find(char::is_whitespace).map(|i| &body[i..]).unwrap_or("");
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(close) = after[1..].find(q) else { break };
        out.push((name.rsplit(':').next().unwrap_or(name), &after[1..1 + close]));
        rest = &after[close + 2..];
    }
    out
}

/// Whether a relationship points outside the package. Fail closed: anything but an explicit
/// or default `Internal` mode counts, and so does a target that looks like a URL or a UNC path
/// (or hides its form behind an entity reference).
fn reaches_outside(tag: &str) -> bool {
    attributes(tag).into_iter().any(|(name, value)| match name {
        "TargetMode" => value.trim() != "Internal",
        "Target" => {
            let v = value.trim();
            v.contains(':') || v.contains('&') || v.contains('\\') || v.starts_with("//")
        }
        _ => false,
    })
}

/// `xml` (a `.rels` part) without the relationships that reach outside the package, and how
/// many were dropped.
pub fn drop_external_relationships(xml: &str) -> (String, usize) {
    let mut out = String::with_capacity(xml.len());
    let mut dropped = 0;
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        let Some(end) = tag_end(tail) else {
            // An unfinished tag: keep nothing of it.
            rest = "";
            break;
        };
        let tag = &tail[..end];
        let is_relationship = !tag.starts_with("</") && local_name(tag) == "Relationship";
        if is_relationship && reaches_outside(tag) {
            dropped += 1;
            rest = &tail[end..];
            if !tag.ends_with("/>") {
                // Skip to the element's end tag, and the end tag itself.
                let close = rest.find("</").and_then(|i| tag_end(&rest[i..]).map(|e| i + e));
                rest = close.map(|c| &rest[c..]).unwrap_or("");
            }
        } else {
            out.push_str(tag);
            rest = &tail[end..];
        }
    }
    out.push_str(rest);
    (out, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_that_reach_outside_are_dropped_and_the_rest_kept() {
        let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#;
        let internal = r#"<Relationship Id="rId1" Type="http://x/image" Target="media/image1.png"/>"#;
        let cases: Vec<(&str, String, usize)> = vec![
            ("internal only", internal.to_string(), 0),
            ("external image", r#"<Relationship Id="rId2" Type="http://x/image" Target="http://127.0.0.1:9/x.png" TargetMode="External"/>"#.into(), 1),
            ("single quotes, spaces", r#"<Relationship Id='rId2' TargetMode = 'External' Target='http://a/b'/>"#.into(), 1),
            ("prefixed", r#"<r:Relationship Id="rId2" Target="http://a/b" TargetMode="External"></r:Relationship>"#.into(), 1),
            ("mode spelled by entity", r#"<Relationship Id="rId2" Target="x.png" TargetMode="Extern&#97;l"/>"#.into(), 1),
            ("url without a mode", r#"<Relationship Id="rId2" Target="https://a/b.png"/>"#.into(), 1),
            ("unc path", r#"<Relationship Id="rId2" Target="\\host\share\a.png"/>"#.into(), 1),
            ("> inside a value", r#"<Relationship Id="rId2" Type="a>b" Target="http://a/b" TargetMode="External"/>"#.into(), 1),
        ];
        for (name, rel, n) in cases {
            let xml = format!("{head}{internal}{rel}</Relationships>");
            let (kept, dropped) = drop_external_relationships(&xml);
            assert_eq!(dropped, n, "{name}");
            assert!(kept.contains(internal), "{name}: {kept}");
            assert!(kept.ends_with("</Relationships>"), "{name}: {kept}");
            if n > 0 {
                assert!(!kept.contains("rId2"), "{name}: {kept}");
            }
        }
        let comment = format!("{head}<!-- <Relationship Target=\"http://a\"/> -->{internal}</Relationships>");
        assert_eq!(drop_external_relationships(&comment).0, comment);
    }
}
