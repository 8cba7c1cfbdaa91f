//! The transcript format: parse blocks, run them, re-emit the file.

use super::env::Env;

/// One command block.
pub struct Block {
    /// Comment and blank lines before the block, kept verbatim.
    pub preamble: Vec<String>,
    /// The command line.
    pub cmd: String,
    /// Input lines between the command and `----`.
    pub input: Vec<String>,
    /// The expected output lines.
    pub expected: Vec<String>,
}

/// Splits a file into blocks.
pub fn parse(text: &str) -> (Vec<Block>, Vec<String>) {
    let mut blocks = Vec::new();
    let mut preamble = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            preamble.push(line.to_string());
            continue;
        }
        let cmd = line.to_string();
        let mut input = Vec::new();
        for l in lines.by_ref() {
            if l == "----" {
                break;
            }
            input.push(l.to_string());
        }
        let mut expected = Vec::new();
        while let Some(l) = lines.peek() {
            if l.is_empty() {
                break;
            }
            expected.push(l.to_string());
            lines.next();
        }
        blocks.push(Block { preamble: std::mem::take(&mut preamble), cmd, input, expected });
    }
    (blocks, preamble)
}

/// Runs a file; returns the file as it should be and the mismatches.
pub fn run_file(text: &str) -> (String, Vec<String>) {
    let (blocks, trailer) = parse(text);
    let mut env = Env::new();
    let mut out = String::new();
    let mut diffs = Vec::new();
    for b in &blocks {
        for p in &b.preamble {
            out.push_str(p);
            out.push('\n');
        }
        let got = env.run(&b.cmd, &b.input);
        let got: Vec<String> = if got.is_empty() { vec!["ok".to_string()] } else { got };
        if got != b.expected {
            diffs.push(format!(
                "`{}`:\n--- expected\n{}\n+++ got\n{}",
                b.cmd,
                b.expected.join("\n"),
                got.join("\n")
            ));
        }
        out.push_str(&b.cmd);
        out.push('\n');
        for l in &b.input {
            out.push_str(l);
            out.push('\n');
        }
        out.push_str("----\n");
        for l in &got {
            out.push_str(l);
            out.push('\n');
        }
    }
    for p in &trailer {
        out.push_str(p);
        out.push('\n');
    }
    (out, diffs)
}

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
