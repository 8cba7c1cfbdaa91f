//! YAML scalars: plain scalars resolved to null, booleans, numbers or
//! strings (YAML 1.1, as sigs.k8s.io/yaml reads them), and single- and
//! double-quoted strings with their escapes.

use serde_json::{Number, Value};

use super::{Result, err};

/// A scalar: quoted strings, or a plain scalar resolved as YAML 1.1 core
/// types the way sigs.k8s.io/yaml does (null, booleans, numbers, strings).
pub fn scalar(text: &str, no: usize) -> Result<Value> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('"') {
        let (s, used) = double_quoted(rest, no)?;
        if !rest[used..].trim().is_empty() {
            return err(no, "did not find expected key");
        }
        return Ok(Value::String(s));
    }
    if let Some(rest) = t.strip_prefix('\'') {
        let (s, used) = single_quoted(rest, no)?;
        if !rest[used..].trim().is_empty() {
            return err(no, "did not find expected key");
        }
        return Ok(Value::String(s));
    }
    if t.starts_with('&') || t.starts_with('*') || t.starts_with('!') {
        return err(no, "anchors, aliases and tags are not supported in the playground");
    }
    if t.starts_with('@') || t.starts_with('`') {
        return err(no, "found character that cannot start any token");
    }
    Ok(plain(t))
}

pub(super) fn plain(t: &str) -> Value {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Value::Bool(true);
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = t.parse::<i64>()
    {
        return Value::Number(i.into());
    }
    if let Some(hex) = t.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Number(i.into());
    }
    let looks_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+')
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if looks_float
        && let Ok(f) = t.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(t.to_string())
}

/// Reads a double-quoted string after its opening quote; returns it and the
/// bytes used (closing quote included).
pub(super) fn double_quoted(s: &str, no: usize) -> Result<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '/' => out.push('/'),
                    ' ' => out.push(' '),
                    'u' | 'x' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut code = 0u32;
                        for _ in 0..n {
                            let Some((_, h)) = chars.next() else {
                                return err(no, "did not find expected hexdecimal number");
                            };
                            let Some(d) = h.to_digit(16) else {
                                return err(no, "did not find expected hexdecimal number");
                            };
                            code = code * 16 + d;
                        }
                        match char::from_u32(code) {
                            Some(ch) => out.push(ch),
                            None => return err(no, "found invalid Unicode character escape code"),
                        }
                    }
                    _ => return err(no, "found unknown escape character while parsing a quoted scalar"),
                }
            }
            c => out.push(c),
        }
    }
    err(no, "found unexpected end of stream while scanning a quoted scalar")
}

pub(super) fn single_quoted(s: &str, no: usize) -> Result<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                out.push('\'');
            } else {
                return Ok((out, i + 1));
            }
        } else {
            out.push(c);
        }
    }
    err(no, "found unexpected end of stream while scanning a quoted scalar")
}
