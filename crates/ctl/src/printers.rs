//! Output formats of etcdctl (`-w simple|json|fields|table|protobuf`) and the helpers every printer shares.

pub mod fields;
pub mod json;
pub mod protobuf;
pub mod table;

/// An output format etcdctl accepts with `-w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `simple`: etcdctl's human format.
    Simple,
    /// `json`: Go's encoding/json of the response.
    Json,
    /// `fields`: one `"Name" : value` line per field.
    Fields,
    /// `table`: tablewriter boxes.
    Table,
    /// `protobuf`: the response's wire bytes.
    Protobuf,
}

impl Format {
    /// Parses `-w`; `None` for what etcdctl calls an unsupported output format.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "simple" => Some(Format::Simple),
            "json" => Some(Format::Json),
            "fields" => Some(Format::Fields),
            "table" => Some(Format::Table),
            "protobuf" => Some(Format::Protobuf),
            _ => None,
        }
    }
}

/// Bytes as etcdctl prints them: raw (lossy UTF-8) or, with `--hex`, `\x66\x6f\x6f`.
pub fn bytes_str(b: &[u8], hex: bool) -> String {
    if hex {
        b.iter().map(|x| format!("\\x{x:02x}")).collect()
    } else {
        String::from_utf8_lossy(b).into_owned()
    }
}

/// Standard base64 with padding (Go's `encoding/json` of `[]byte`).
pub fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

/// Go's `%q` of a string (used by the fields printer): quoted, escaped, non-printables as `\x..`/`\u....`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            '\u{fffd}' => out.push_str("\\ufffd"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%q` of bytes: invalid UTF-8 bytes as `\x..`.
pub fn go_quote_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => go_quote(s),
        Err(_) => {
            let mut out = String::from("\"");
            let mut rest = b;
            while !rest.is_empty() {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        let q = go_quote(s);
                        out.push_str(&q[1..q.len() - 1]);
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        let q = go_quote(std::str::from_utf8(good).unwrap_or(""));
                        out.push_str(&q[1..q.len() - 1]);
                        out.push_str(&format!("\\x{:02x}", bad[0]));
                        rest = &bad[1..];
                    }
                }
            }
            out.push('"');
            out
        }
    }
}

/// etcd's humanized byte size (`go-humanize.Bytes`): `25 kB`, `1.2 MB`.
pub fn humanize_bytes(n: u64) -> String {
    if n < 10 {
        return format!("{n} B");
    }
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let e = ((n as f64).ln() / 1000f64.ln()).floor() as usize;
    let val = (n as f64 / 1000f64.powi(e as i32) * 10.0 + 0.5).floor() / 10.0;
    if val < 10.0 { format!("{val:.1} {}", units[e]) } else { format!("{val:.0} {}", units[e]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"bar5"), "YmFyNQ==");
        assert_eq!(base64(b"txn-success"), "dHhuLXN1Y2Nlc3M=");
        assert_eq!(bytes_str(b"foo", true), "\\x66\\x6f\\x6f");
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
        assert_eq!(humanize_bytes(24576), "25 kB");
        assert_eq!(humanize_bytes(20480), "20 kB");
        assert_eq!(humanize_bytes(1_234_567), "1.2 MB");
    }
}
