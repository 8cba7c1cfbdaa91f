//! The words of a transcript command: quoting and `name=value` options
//! (the format and the runner are the `datadriven` crate's).

/// Splits a line into words; `"..."` quotes, with `\xNN`, `\n`, `\"` and
/// `\\` escapes, give arbitrary bytes.
pub fn words(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        let mut word = Vec::new();
        if c == '"' {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("unterminated quote".into()),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some('n') => word.push(b'\n'),
                        Some('x') => {
                            let h: String = chars.by_ref().take(2).collect();
                            let b = u8::from_str_radix(&h, 16).map_err(|_| format!("bad escape \\x{h}"))?;
                            word.push(b);
                        }
                        Some(c) => word.extend_from_slice(c.to_string().as_bytes()),
                        None => return Err("dangling escape".into()),
                    },
                    Some(c) => word.extend_from_slice(c.to_string().as_bytes()),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.extend_from_slice(c.to_string().as_bytes());
                chars.next();
            }
        }
        out.push(word);
    }
    Ok(out)
}

/// A command's arguments: positional words and `name=value` options.
pub struct Args {
    /// Positional words, in order.
    pub pos: Vec<Vec<u8>>,
    /// Options; a bare flag has an empty value.
    pub opts: Vec<(String, Vec<u8>)>,
}

impl Args {
    /// Parses words: `name=value` and known bare flags are options.
    pub fn parse(words: Vec<Vec<u8>>, flags: &[&str]) -> Args {
        let mut pos = Vec::new();
        let mut opts = Vec::new();
        for w in words {
            let s = String::from_utf8_lossy(&w).to_string();
            if let Some((k, _)) = s.split_once('=')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.is_empty()
            {
                let at = k.len() + 1;
                opts.push((k.to_string(), w[at..].to_vec()));
            } else if flags.contains(&s.as_str()) {
                opts.push((s, Vec::new()));
            } else {
                pos.push(w);
            }
        }
        Args { pos, opts }
    }

    /// Whether a flag or option is present.
    pub fn has(&self, name: &str) -> bool {
        self.opts.iter().any(|(k, _)| k == name)
    }

    /// An option's bytes.
    pub fn bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.opts.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// An option as a number.
    pub fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.bytes(name) {
            None => Ok(None),
            Some(v) => {
                let s = String::from_utf8_lossy(&v).to_string();
                s.parse().map(Some).map_err(|_| format!("bad number for {name}: {s}"))
            }
        }
    }

    /// A positional word as text.
    pub fn text(&self, i: usize) -> Option<String> {
        self.pos.get(i).map(|w| String::from_utf8_lossy(w).to_string())
    }
}
