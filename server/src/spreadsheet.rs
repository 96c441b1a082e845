//! Tables as clinics export them from their MIS, read into rows of text cells: XLSX and XLS by
//! `calamine` (the first sheet), CSV by the reader below — UTF-8 (with or without a byte-order
//! mark) or, failing that, Windows-1251 as Russian Excel writes it; `;`, tab or `,` between
//! fields, whichever the first line uses most; fields quoted the RFC 4180 way. The kind is told
//! by the content, never by the file's name. Row numbers stay those a spreadsheet shows: a
//! sheet whose data starts lower or further right keeps its empty rows and columns.

use calamine::{Data, Reader};
use std::io::Cursor;

/// Why a file is not a table.
#[derive(Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a CSV, XLSX or XLS table.
    NotATable,
}

pub fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        return read_workbook(bytes);
    }
    read_csv(&decode(bytes)?)
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>, Unreadable> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| Unreadable::NotATable)?;
    let range = book.worksheet_range_at(0).ok_or(Unreadable::NotATable)?.map_err(|_| Unreadable::NotATable)?;
    let (top, left) = range.start().map(|(r, c)| (r as usize, c as usize)).unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); top];
    for row in range.rows() {
        let mut cells = vec![String::new(); left];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    Ok(rows)
}

/// A cell as text: numbers without a float's noise (1500 → "1500", 1234.5 → "1234.50",
/// 0.1 + 0.2 → "0.30"), dates as the spreadsheet keeps them.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Float(f) => {
            let cents = (f * 100.0).round();
            if (f * 100.0 - cents).abs() < 1e-6 && cents.abs() < 1e15 {
                let cents = cents as i64;
                if cents % 100 == 0 {
                    (cents / 100).to_string()
                } else {
                    format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100)
                }
            } else {
                f.to_string()
            }
        }
        other => other.to_string(),
    }
}

/// The text of a CSV file: UTF-8 (a byte-order mark dropped), else Windows-1251; a file with
/// NUL bytes is binary, not a table.
fn decode(bytes: &[u8]) -> Result<String, Unreadable> {
    if bytes.contains(&0) {
        return Err(Unreadable::NotATable);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Ok(encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned()),
    }
}

/// The separator the first line uses most, outside quotes.
fn separator(text: &str) -> char {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut quoted = false;
    let mut counts = [(';', 0), ('\t', 0), (',', 0)];
    for ch in first.chars() {
        if ch == '"' {
            quoted = !quoted;
        } else if !quoted {
            for (sep, n) in counts.iter_mut() {
                if ch == *sep {
                    *n += 1;
                }
            }
        }
    }
    // Ties go to the first listed: a Russian export's ';' before a ','.
    counts.iter().fold((';', 0), |best, &(sep, n)| if n > best.1 { (sep, n) } else { best }).0
}

fn read_csv(text: &str) -> Result<Vec<Vec<String>>, Unreadable> {
    let sep = separator(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut any = false;
    while let Some(ch) = chars.next() {
        any = true;
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(ch),
        }
    }
    if quoted {
        return Err(Unreadable::NotATable);
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    if !any {
        return Ok(Vec::new());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn a_russian_excel_csv_in_windows_1251_with_semicolons_is_read() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("Код внешний;Услуга;Цена\r\n01000003;Консультация; первично;1 500,00\r\n");
        let got = read(&bytes).unwrap();
        assert_eq!(got[0], vec!["Код внешний", "Услуга", "Цена"]);
        assert_eq!(got[1].len(), 4, "an unquoted separator splits: {:?}", got[1]);
    }

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_breaks() {
        let text = "\u{FEFF}code,name,price\n\"A,1\",\"Приём \"\"первичный\"\"\nвторая строка\",100\n";
        assert_eq!(
            read(text.as_bytes()).unwrap(),
            cells(&[&["code", "name", "price"], &["A,1", "Приём \"первичный\"\nвторая строка", "100"]])
        );
        assert_eq!(read(b"a\tb\tc\n1\t2\t3").unwrap(), cells(&[&["a", "b", "c"], &["1", "2", "3"]]));
    }

    #[test]
    fn what_is_not_a_table_is_refused() {
        assert_eq!(read(b"\"never closed;1\n"), Err(Unreadable::NotATable));
        assert_eq!(read(b"%PDF-1.7\n\x00\x01binary"), Err(Unreadable::NotATable));
        assert_eq!(read(b"PK\x03\x04not really a zip"), Err(Unreadable::NotATable));
        assert_eq!(read(b""), Ok(Vec::new()));
    }

    #[test]
    fn spreadsheet_numbers_read_as_people_typed_them() {
        assert_eq!(cell_text(&Data::Float(1500.0)), "1500");
        assert_eq!(cell_text(&Data::Float(1234.5)), "1234.50");
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), "0.30");
        assert_eq!(cell_text(&Data::Float(1.2345)), "1.2345");
        assert_eq!(cell_text(&Data::Int(42)), "42");
    }
}
