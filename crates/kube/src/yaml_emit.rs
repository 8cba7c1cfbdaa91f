//! Writes JSON values as YAML the way kubectl's `-o yaml` does
//! (sigs.k8s.io/yaml over go-yaml): keys sorted, two-space indentation,
//! sequences at their key's indentation, strings quoted only when they
//! would read back as something else, multi-line strings as `|` blocks.
//!
//! ```text
//!   {"spec":{"containers":[{"name":"web","image":"nginx"}]}}
//!   spec:
//!     containers:
//!     - image: nginx
//!       name: web
//! ```

use serde_json::Value;

/// The YAML text of `v` (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => map(&mut out, v, 0),
        Value::Array(a) if !a.is_empty() => seq(&mut out, v, 0),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn map(out: &mut String, v: &Value, indent: usize) {
    let Value::Object(m) = v else { return };
    for (i, (k, val)) in m.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&string(k));
        out.push(':');
        child(out, val, indent);
    }
}

fn seq(out: &mut String, v: &Value, indent: usize) {
    let Value::Array(a) = v else { return };
    for (i, item) in a.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => map(out, item, indent + 2),
            Value::Array(x) if !x.is_empty() => seq(out, item, indent + 2),
            Value::String(s) if s.contains('\n') => block(out, s, indent + 2),
            other => {
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// The value after `key:`.
fn child(out: &mut String, val: &Value, indent: usize) {
    match val {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            map(out, val, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            pad(out, indent);
            seq(out, val, indent);
        }
        Value::String(s) if s.contains('\n') => {
            out.push(' ');
            block(out, s, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

/// A literal block: `|` (one trailing newline), `|-` (none), `|+` (more).
fn block(out: &mut String, s: &str, indent: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let header = match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    // go-yaml falls back to a quoted string when leading spaces would be
    // ambiguous.
    if body.starts_with(' ') || body.lines().any(|l| l.ends_with(' ')) {
        out.push_str(&quote(s));
        out.push('\n');
        return;
    }
    out.push_str(header);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

/// A string as go-yaml writes it: plain when it reads back as the same
/// string, double-quoted otherwise.
pub fn string(s: &str) -> String {
    if needs_quotes(s) { quote(s) } else { s.to_string() }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.starts_with(' ') || s.ends_with(' ') {
        return true;
    }
    if !matches!(crate::yaml::scalar(s, 0), Ok(Value::String(ref x)) if x == s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // "-x" is fine as a plain scalar unless it looks like an item.
        return first != '-' || s.len() <= 1 || s.starts_with("- ") || s.starts_with("---");
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.chars().any(|c| c.is_control()) {
        return true;
    }
    // Timestamps read back as timestamps.
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_like_kubectl() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "creationTimestamp": "2024-01-01T00:00:00Z", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx", "args": ["a", "1"]}], "volumes": []},
            "data": {"port": "3306", "on": "true", "script": "line1\nline2\n", "empty": ""}
        });
        let y = to_yaml(&v);
        let expected = "apiVersion: v1\ndata:\n  empty: \"\"\n  \"on\": \"true\"\n  port: \"3306\"\n  script: |\n    line1\n    line2\nkind: Pod\nmetadata:\n  creationTimestamp: \"2024-01-01T00:00:00Z\"\n  labels:\n    app: web\n  name: web\nspec:\n  containers:\n  - args:\n    - a\n    - \"1\"\n    image: nginx\n    name: web\n  volumes: []\n";
        assert_eq!(y, expected);
        // And it reads back.
        assert_eq!(crate::yaml::parse_document(&y).unwrap().unwrap(), v);
    }
}
