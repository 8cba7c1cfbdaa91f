//! Go's text scanning as etcdctl uses it: `strconv.Unquote`, `fmt.Sscanf`'s `%q`, and etcdctl's `argify` (txn and `watch -i` lines).
//!
//! ```text
//! unquote(r#""a\x41""#)            -> Ok(b"aA")
//! unquote(r#""a\q""#)              -> Err(InvalidSyntax)          strconv.ErrSyntax: "invalid syntax"
//! scan_compare(r#""k") = "v""#)    -> Scanned { n: 3, key: "k", op: "=", val: "v" }
//! scan_compare(r#""k")="v""#)      -> n: 1             a space in the format needs one in the input
//! argify(r#"put a "b c" 'd e'"#)   -> ["put", "a", "b c", "d e"]
//! ```

/// `strconv.ErrSyntax`: a literal Go does not accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid syntax")]
pub struct InvalidSyntax;

/// `strconv.Unquote` of a double-quoted (`"..."`) or back-quoted Go
/// string literal: its bytes, or [`InvalidSyntax`].
pub fn unquote(s: &str) -> Result<Vec<u8>, InvalidSyntax> {
    if let Some(body) = s.strip_prefix('`').and_then(|b| b.strip_suffix('`')) {
        if body.contains('`') || body.contains('\r') {
            return Err(InvalidSyntax);
        }
        return Ok(body.as_bytes().to_vec());
    }
    let body = s.strip_prefix('"').and_then(|b| b.strip_suffix('"')).ok_or(InvalidSyntax)?;
    let mut out = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\n' => return Err(InvalidSyntax),
            '\\' => unescape(&mut chars, &mut out)?,
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Ok(out)
}

/// One escape after a backslash in a double-quoted literal (`strconv.UnquoteChar`).
fn unescape(chars: &mut std::str::Chars, out: &mut Vec<u8>) -> Result<(), InvalidSyntax> {
    let simple = |c: char| -> Option<u8> {
        Some(match c {
            'a' => 7,
            'b' => 8,
            'f' => 12,
            'n' => b'\n',
            'r' => b'\r',
            't' => b'\t',
            'v' => 11,
            '\\' => b'\\',
            '"' => b'"',
            _ => return None,
        })
    };
    let c = chars.next().ok_or(InvalidSyntax)?;
    if let Some(b) = simple(c) {
        out.push(b);
        return Ok(());
    }
    let mut digits = |n: usize, radix: u32| -> Result<u32, InvalidSyntax> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v * radix + chars.next().and_then(|d| d.to_digit(radix)).ok_or(InvalidSyntax)?;
        }
        Ok(v)
    };
    match c {
        'x' => out.push(digits(2, 16)? as u8),
        '0'..='7' => {
            let v = (c as u32 - '0' as u32) * 64 + digits(2, 8)?;
            out.push(u8::try_from(v).map_err(|_| InvalidSyntax)?);
        }
        'u' | 'U' => {
            let v = digits(if c == 'u' { 4 } else { 8 }, 16)?;
            let ch = char::from_u32(v).ok_or(InvalidSyntax)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        // `\'` is only valid in a rune literal.
        _ => return Err(InvalidSyntax),
    }
    Ok(())
}

/// What `fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val)` scanned: how
/// many operands it filled (`n`), and those it filled (the rest empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Operands scanned before the first failure (3: all).
    pub n: usize,
    /// The key's bytes.
    pub key: Vec<u8>,
    /// The operator word.
    pub op: String,
    /// The value's bytes.
    pub val: Vec<u8>,
}

/// Scans a txn compare's operands after `target(` as etcdctl does.
pub fn scan_compare(rest: &str) -> Scanned {
    let mut s = Scanned::default();
    let mut r = rest;
    let Some((key, after)) = quoted(r) else { return s };
    s.key = key;
    s.n = 1;
    r = after;
    // The literal `)` must come next, then a space (or the end of the input).
    let Some(after) = r.strip_prefix(')') else { return s };
    let Some(after) = format_space(after) else { return s };
    r = after.trim_start_matches(is_space);
    let end = r.find(is_space).unwrap_or(r.len());
    if end == 0 {
        return s;
    }
    s.op = r[..end].to_string();
    s.n = 2;
    let Some(after) = format_space(&r[end..]) else { return s };
    let Some((val, _)) = quoted(after) else { return s };
    s.val = val;
    s.n = 3;
    s
}

/// Go's `isSpace` for scanning, newlines aside (a txn line has none).
fn is_space(c: char) -> bool {
    c != '\n' && c.is_whitespace()
}

/// A space in a Sscanf format: at least one space in the input, or its end.
fn format_space(s: &str) -> Option<&str> {
    match s.chars().next() {
        None => Some(s),
        Some(c) if is_space(c) => Some(s.trim_start_matches(is_space)),
        Some(_) => None,
    }
}

/// `%q`: spaces skipped, then a quoted string (`"..."` unquoted, or
/// `` `...` `` raw); its bytes and the input after it.
fn quoted(s: &str) -> Option<(Vec<u8>, &str)> {
    let s = s.trim_start_matches(is_space);
    if let Some(body) = s.strip_prefix('`') {
        let end = body.find('`')?;
        return Some((body.as_bytes()[..end].to_vec(), &body[end + 1..]));
    }
    let body = s.strip_prefix('"')?;
    // Up to the closing quote; only the character right after a backslash is protected.
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            let lit = &s[..i + 2];
            return unquote(lit).ok().map(|v| (v, &body[i + 1..]));
        }
    }
    None
}

/// etcdctl's `argify`: the words of a txn or `watch -i` line. A word is a
/// double-quoted string (unquoted as Go does; a bad escape is
/// `Err("invalid syntax")`), a single-quoted one (taken as is), or a run
/// of non-spaces that starts outside quotes.
pub fn argify(line: &str) -> Result<Vec<String>, String> {
    let re =
        regex_lite::Regex::new(r#""(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?"#).expect("argify's pattern");
    let mut out = Vec::new();
    for m in re.find_iter(line) {
        let w = m.as_str();
        if let Some(body) = w.strip_prefix('\'').and_then(|b| b.strip_suffix('\'')).filter(|_| w.len() >= 2) {
            out.push(body.to_string());
        } else if w.starts_with('"') {
            // fmt.Sscanf(w, "%q", &w)
            match quoted(w) {
                Some((v, _)) => out.push(String::from_utf8_lossy(&v).into_owned()),
                None => return Err("invalid syntax".to_string()),
            }
        } else {
            out.push(w.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_is_strconvs() {
        assert_eq!(unquote(r#""a\x41\101\u00e9\n""#).unwrap(), "aAAé\n".as_bytes());
        assert_eq!(unquote(r#""\xff""#).unwrap(), vec![0xff]);
        assert!(unquote(r#""a\q""#).is_err());
        assert!(unquote(r#""\'""#).is_err(), "\\' is for rune literals");
        assert!(unquote(r#""\400""#).is_err(), "octal over 255");
        assert!(unquote(r#""\x4""#).is_err());
        assert_eq!(unquote("`a\\q`").unwrap(), b"a\\q");
    }

    #[test]
    fn compares_scan_as_sscanf() {
        let s = scan_compare(r#""k") = "v""#);
        assert_eq!((s.n, s.key, s.op.as_str(), s.val), (3, b"k".to_vec(), "=", b"v".to_vec()));
        // No space after `)`: Go wants one.
        assert_eq!(scan_compare(r#""k")="v""#).n, 1);
        // A space before `)` is not the literal.
        assert_eq!(scan_compare(r#" "k" ) = "v""#).n, 1);
        assert_eq!(
            scan_compare(r#""k") ="v""#),
            Scanned { n: 2, key: b"k".to_vec(), op: "=\"v\"".into(), val: vec![] }
        );
        assert_eq!(scan_compare(r#""a\qb") = "v""#).n, 0);
        assert_eq!(scan_compare("`raw`) = `v`").val, b"v");
        assert_eq!(scan_compare(r#""k")"#).n, 1);
        assert_eq!(scan_compare(r#""k") ="#).n, 2);
    }

    #[test]
    fn argify_is_etcdctls() {
        assert_eq!(argify(r#"put a "b c" 'd e'"#).unwrap(), ["put", "a", "b c", "d e"]);
        assert_eq!(argify(r#"put a b"c"#).unwrap(), ["put", "a", "b\"c"]);
        assert_eq!(argify(r#"put a "b\x41""#).unwrap(), ["put", "a", "bA"]);
        assert_eq!(argify(r#"put a "b\q""#).unwrap_err(), "invalid syntax");
        assert_eq!(argify("  ").unwrap(), Vec::<String>::new());
        assert_eq!(argify("x").unwrap(), ["x"]);
    }
}
