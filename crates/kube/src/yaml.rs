//! A small YAML reader for the subset manifests use, producing JSON values.
//!
//! Supported: block mappings and sequences (sequences may sit at their
//! key's indentation, as kubectl writes them), plain, single- and
//! double-quoted scalars, literal `|` and folded `>` blocks with `-`/`+`
//! chomping, flow `[...]` and `{...}` (also across lines), `#` comments and
//! documents separated by `---`. Anchors, aliases, tags and complex keys are
//! refused with an error, never a panic.
//!
//! ```text
//!   metadata:            {"metadata": {"name": "web"},
//!     name: web           "spec": {"containers": [{"name": "nginx",
//!   spec:                                          "ports": [80]}]}}
//!     containers:
//!     - name: nginx
//!       ports: [80]
//! ```
//!
//! Errors read like go-yaml's (`yaml: line 3: mapping values are not
//! allowed in this context`), which is what kubectl prints.

mod flow;
mod scalar;

use serde_json::{Map, Value};

use flow::flow;
pub use scalar::scalar;

/// A YAML syntax error at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("yaml: line {line}: {message}")]
pub struct YamlError {
    /// The line (1-based).
    pub line: usize,
    /// go-yaml's words.
    pub message: String,
}

type Result<T> = std::result::Result<T, YamlError>;

fn err<T>(line: usize, message: &str) -> Result<T> {
    Err(YamlError { line: line + 1, message: message.to_string() })
}

/// Maximum nesting, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Splits `text` into documents at `---` lines and parses each; empty
/// documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Value>> {
    let mut docs = Vec::new();
    let mut start = 0;
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_end();
        if t == "---" || t.starts_with("--- ") || t == "..." {
            if let Some(v) = parse_lines(&lines[start..i], start)? {
                docs.push(v);
            }
            start = i + 1;
        }
    }
    if let Some(v) = parse_lines(&lines[start..], start)? {
        docs.push(v);
    }
    Ok(docs)
}

/// Parses one document; `None` if it holds only comments and blanks.
pub fn parse_document(text: &str) -> Result<Option<Value>> {
    let lines: Vec<&str> = text.lines().collect();
    parse_lines(&lines, 0)
}

fn parse_lines(lines: &[&str], offset: usize) -> Result<Option<Value>> {
    let mut p = Parser { lines: Vec::new(), pos: 0 };
    for (i, l) in lines.iter().enumerate() {
        let indent = l.len() - l.trim_start_matches(' ').len();
        if l[indent..].starts_with('\t') && !l.trim().is_empty() {
            return err(offset + i, "found character that cannot start any token");
        }
        p.lines.push(Line { no: offset + i, indent, text: l[indent..].trim_end_matches(['\r']).to_string() });
    }
    p.skip_blank();
    if p.pos >= p.lines.len() {
        return Ok(None);
    }
    let v = p.node(0, 0)?;
    p.skip_blank();
    if let Some(l) = p.lines.get(p.pos) {
        return err(l.no, "did not find expected <document start>");
    }
    Ok(Some(v))
}

#[derive(Clone, Debug)]
struct Line {
    no: usize,
    indent: usize,
    text: String,
}

struct Parser {
    lines: Vec<Line>,
    pos: usize,
}

fn is_blank(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t.starts_with('#')
}

impl Parser {
    fn skip_blank(&mut self) {
        while self.pos < self.lines.len() && is_blank(&self.lines[self.pos].text) {
            self.pos += 1;
        }
    }

    /// Parses the node starting at the next non-blank line, which must be
    /// indented at least `min`.
    fn node(&mut self, min: usize, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            let no = self.lines.get(self.pos).map_or(0, |l| l.no);
            return err(no, "exceeded max depth");
        }
        self.skip_blank();
        let Some(line) = self.lines.get(self.pos).cloned() else { return Ok(Value::Null) };
        if line.indent < min {
            return Ok(Value::Null);
        }
        if is_seq_item(&line.text) {
            return self.sequence(line.indent, depth);
        }
        if find_colon(&line.text).is_some() {
            return self.mapping(line.indent, depth);
        }
        // A lone scalar (or flow collection) as the whole node.
        self.pos += 1;
        let text = strip_comment(&line.text);
        if text.starts_with('[') || text.starts_with('{') {
            let joined = self.flow_text(text.to_string(), line.no)?;
            return flow(&joined, line.no);
        }
        if text.starts_with('|') || text.starts_with('>') {
            return self.block_scalar(text, line.indent.saturating_sub(1), line.no);
        }
        let mut s = scalar(text, line.no)?;
        // Plain multi-line scalars fold into one line.
        if let Value::String(ref mut acc) = s
            && !text.starts_with(['"', '\''])
        {
            while let Some(next) = self.lines.get(self.pos) {
                if is_blank(&next.text) || next.indent < min.max(1) || find_colon(&next.text).is_some() {
                    break;
                }
                acc.push(' ');
                acc.push_str(strip_comment(&next.text));
                self.pos += 1;
            }
        }
        Ok(s)
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Result<Value> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.pos).cloned() else { break };
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return err(line.no, "did not find expected '-' indicator");
            }
            if !is_seq_item(&line.text) {
                if find_colon(&line.text).is_some() {
                    break;
                }
                return err(line.no, "did not find expected '-' indicator");
            }
            let rest = &line.text[1..];
            let extra = rest.len() - rest.trim_start().len();
            let rest = rest.trim_start();
            if is_blank(rest) {
                self.pos += 1;
                self.skip_blank();
                match self.lines.get(self.pos) {
                    Some(next) if next.indent > indent => items.push(self.node(indent + 1, depth + 1)?),
                    _ => items.push(Value::Null),
                }
            } else {
                // Re-read the rest of the line as a node at its own column.
                self.lines[self.pos] =
                    Line { no: line.no, indent: indent + 1 + extra, text: rest.to_string() };
                items.push(self.node(indent + 1, depth + 1)?);
            }
        }
        Ok(Value::Array(items))
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Result<Value> {
        let mut map = Map::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.pos).cloned() else { break };
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return err(line.no, "mapping values are not allowed in this context");
            }
            if is_seq_item(&line.text) {
                // A sequence at the mapping's indentation ends it (only
                // valid as a key's value, handled below).
                return err(line.no, "did not find expected key");
            }
            let Some(colon) = find_colon(&line.text) else {
                return err(line.no, "could not find expected ':'");
            };
            let key = key_text(&line.text[..colon], line.no)?;
            let rest = strip_comment(line.text[colon + 1..].trim_start()).to_string();
            self.pos += 1;
            let value = if rest.is_empty() {
                self.skip_blank();
                match self.lines.get(self.pos) {
                    Some(next) if next.indent > indent => self.node(indent + 1, depth + 1)?,
                    Some(next) if next.indent == indent && is_seq_item(&next.text) => {
                        self.sequence(indent, depth + 1)?
                    }
                    _ => Value::Null,
                }
            } else if rest.starts_with('|') || rest.starts_with('>') {
                self.block_scalar(&rest, indent, line.no)?
            } else if rest.starts_with('[') || rest.starts_with('{') {
                let joined = self.flow_text(rest, line.no)?;
                flow(&joined, line.no)?
            } else if rest.starts_with('&') || rest.starts_with('*') {
                return err(line.no, "anchors and aliases are not supported in the playground");
            } else {
                let mut v = scalar(&rest, line.no)?;
                if find_colon(&rest).is_some() && !rest.starts_with(['"', '\'']) {
                    return err(line.no, "mapping values are not allowed in this context");
                }
                if let Value::String(ref mut acc) = v
                    && !rest.starts_with(['"', '\''])
                {
                    while let Some(next) = self.lines.get(self.pos) {
                        if is_blank(&next.text) || next.indent <= indent {
                            break;
                        }
                        if find_colon(&next.text).is_some() {
                            return err(next.no, "mapping values are not allowed in this context");
                        }
                        acc.push(' ');
                        acc.push_str(strip_comment(&next.text));
                        self.pos += 1;
                    }
                }
                v
            };
            if map.contains_key(&key) {
                return err(line.no, &format!("key {key:?} already set in map"));
            }
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    /// Joins lines until brackets balance.
    fn flow_text(&mut self, mut text: String, no: usize) -> Result<String> {
        let mut guard = 0;
        while !balanced(&text) {
            let Some(next) = self.lines.get(self.pos) else {
                return err(no, "did not find expected ',' or ']'");
            };
            text.push(' ');
            text.push_str(strip_comment(&next.text));
            self.pos += 1;
            guard += 1;
            if guard > 10_000 {
                return err(no, "flow collection too long");
            }
        }
        Ok(text)
    }

    /// A `|` or `>` block whose header is `header`, under a key at `indent`.
    fn block_scalar(&mut self, header: &str, indent: usize, no: usize) -> Result<Value> {
        let folded = header.starts_with('>');
        let mut chomp = ' ';
        let mut explicit: Option<usize> = None;
        for c in header[1..].trim().chars() {
            match c {
                '-' | '+' => chomp = c,
                '1'..='9' => explicit = Some(c as usize - '0' as usize),
                _ => return err(no, "did not find expected comment or line break"),
            }
        }
        // Raw lines below, blank ones included.
        let mut raw: Vec<(usize, String)> = Vec::new();
        let mut block_indent = explicit.map(|e| indent + e);
        while let Some(l) = self.lines.get(self.pos) {
            let blank = l.text.trim().is_empty();
            if !blank {
                if l.indent <= indent {
                    break;
                }
                let bi = *block_indent.get_or_insert(l.indent);
                if l.indent < bi {
                    break;
                }
                raw.push((l.indent - bi, l.text.clone()));
            } else {
                raw.push((0, String::new()));
            }
            self.pos += 1;
        }
        // Trailing blank lines belong to chomping.
        let mut trailing = 0;
        while raw.last().is_some_and(|(_, t)| t.is_empty()) {
            raw.pop();
            trailing += 1;
        }
        let mut out = String::new();
        for (i, (extra, text)) in raw.iter().enumerate() {
            if i > 0 {
                let prev_blank = raw[i - 1].1.is_empty();
                if folded && !text.is_empty() && !prev_blank && *extra == 0 && raw[i - 1].0 == 0 {
                    out.push(' ');
                } else {
                    out.push('\n');
                }
            }
            out.push_str(&" ".repeat(*extra));
            out.push_str(text);
        }
        if !raw.is_empty() {
            match chomp {
                '-' => {}
                '+' => out.push_str(&"\n".repeat(trailing + 1)),
                _ => out.push('\n'),
            }
        }
        Ok(Value::String(out))
    }
}

fn is_seq_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

fn balanced(text: &str) -> bool {
    let mut depth: i64 = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                _ => {}
            },
        }
    }
    depth <= 0 && quote.is_none()
}

/// The byte index of the `:` that separates a key from its value: followed
/// by a space or the end, outside quotes and brackets.
fn find_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if text.starts_with('#') {
        return None;
    }
    let mut i = 0;
    if let Some(q) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        // Quoted key: skip to its end.
        let mut j = 1;
        let mut escaped = false;
        while j < bytes.len() {
            let c = bytes[j] as char;
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                break;
            }
            j += 1;
        }
        i = j + 1;
    } else if text.starts_with('[') || text.starts_with('{') {
        return None;
    }
    while i < bytes.len() {
        match bytes[i] {
            b':' if i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t' => return Some(i),
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

fn strip_comment(text: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                if (c == '"' || c == '\'')
                    && (i == 0 || prev == ' ' || prev == '[' || prev == '{' || prev == ',')
                {
                    quote = Some(c);
                } else if c == '#' && (i == 0 || prev == ' ' || prev == '\t') {
                    return text[..i].trim_end();
                }
            }
        }
        prev = c;
    }
    text.trim_end()
}

fn key_text(raw: &str, no: usize) -> Result<String> {
    let raw = raw.trim();
    if raw.starts_with('?') || raw.starts_with('&') || raw.starts_with('*') || raw.starts_with('!') {
        return err(no, "complex keys, anchors and tags are not supported in the playground");
    }
    Ok(match scalar(raw, no)? {
        Value::String(s) => s,
        Value::Null => "null".to_string(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_seed_configmap() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: default\ndata:\n  DATABASE_HOST: mysql-service\n  DATABASE_PORT: \"3306\"\n  ENVIRONMENT: production\n";
        let v = parse_document(text).unwrap().unwrap();
        assert_eq!(v["data"]["DATABASE_PORT"], json!("3306"));
        assert_eq!(v["metadata"]["name"], json!("app-config"));
    }

    #[test]
    fn sequences_blocks_and_flows() {
        let text = "spec:\n  containers:\n  - name: web # the app\n    image: nginx:1.25\n    ports: [{containerPort: 80}]\n    args:\n      - \"-v\"\n      - 'it''s'\n  script: |\n    echo hi\n      indented\n  folded: >-\n    a\n    b\nlist: []\n";
        let v = parse_document(text).unwrap().unwrap();
        assert_eq!(v["spec"]["containers"][0]["image"], json!("nginx:1.25"));
        assert_eq!(v["spec"]["containers"][0]["ports"][0]["containerPort"], json!(80));
        assert_eq!(v["spec"]["containers"][0]["args"], json!(["-v", "it's"]));
        assert_eq!(v["spec"]["script"], json!("echo hi\n  indented\n"));
        assert_eq!(v["spec"]["folded"], json!("a b"));
        assert_eq!(v["list"], json!([]));
    }

    #[test]
    fn documents_split_at_dashes() {
        let docs = parse_documents("a: 1\n---\n# only a comment\n---\nb: true\n").unwrap();
        assert_eq!(docs, vec![json!({"a": 1}), json!({"b": true})]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_document("a: b: c\n").unwrap_err();
        assert_eq!(e.to_string(), "yaml: line 1: mapping values are not allowed in this context");
        let e = parse_document("a:\n  b: 1\n   c: 2\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(parse_document("a: \"open\n").is_err());
        assert!(parse_document("a: [1, 2\n").is_err());
    }
}
