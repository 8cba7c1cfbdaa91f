//! YAML flow collections (`[a, b]`, `{k: v, l: [1]}`), nested, with
//! quoted and plain scalars inside.

use serde_json::{Map, Value};

use super::scalar::{double_quoted, plain, single_quoted};
use super::{MAX_DEPTH, Result, err};

/// Parses a flow collection (`[a, b]`, `{k: v}`), nested.
pub(super) fn flow(text: &str, no: usize) -> Result<Value> {
    let mut f = Flow { s: text.as_bytes(), text, i: 0, no, depth: 0 };
    let v = f.value()?;
    f.ws();
    if f.i < f.s.len() {
        return err(no, "did not find expected <document start>");
    }
    Ok(v)
}

struct Flow<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    no: usize,
    depth: usize,
}

impl Flow<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && (self.s[self.i] == b' ' || self.s[self.i] == b'\t') {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.ws();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.no, "exceeded max depth");
        }
        let v = match self.s.get(self.i) {
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        None => return err(self.no, "did not find expected ',' or ']'"),
                        _ => {}
                    }
                    items.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return err(self.no, "did not find expected ',' or ']'"),
                    }
                }
                Value::Array(items)
            }
            Some(b'{') => {
                self.i += 1;
                let mut map = Map::new();
                loop {
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        None => return err(self.no, "did not find expected ',' or '}'"),
                        _ => {}
                    }
                    let key = match self.value()? {
                        Value::String(s) => s,
                        Value::Null => "null".to_string(),
                        other => other.to_string(),
                    };
                    self.ws();
                    let value = if self.s.get(self.i) == Some(&b':') {
                        self.i += 1;
                        self.value()?
                    } else {
                        Value::Null
                    };
                    map.insert(key, value);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        _ => return err(self.no, "did not find expected ',' or '}'"),
                    }
                }
                Value::Object(map)
            }
            Some(b'"') => {
                let (s, used) = double_quoted(&self.text[self.i + 1..], self.no)?;
                self.i += 1 + used;
                Value::String(s)
            }
            Some(b'\'') => {
                let (s, used) = single_quoted(&self.text[self.i + 1..], self.no)?;
                self.i += 1 + used;
                Value::String(s)
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() {
                    let c = self.s[self.i];
                    let colon_sep =
                        c == b':' && self.s.get(self.i + 1).is_none_or(|n| *n == b' ' || *n == b',');
                    if c == b',' || c == b']' || c == b'}' || colon_sep {
                        break;
                    }
                    self.i += 1;
                }
                plain(self.text[start..self.i].trim())
            }
        };
        self.depth -= 1;
        Ok(v)
    }
}
