//! POSIX regular expressions for `grep` and `sed`: basic (BRE) and extended (`-E`) syntax, with GNU's extensions, translated to regex-lite's syntax.
//!
//! ```text
//!   BRE  \(etcd\)-[[:digit:]]\{1,2\}   ->   (etcd)-[0-9]{1,2}
//!   ERE  (etcd|kube)-.+                ->   (etcd|kube)-.+
//!   BRE  a+b{2}  (no specials there)   ->   a\+b\{2\}
//! ```
//!
//! The translation follows GNU's rules: in a BRE `\(`, `\)`, `\{`, `\}`,
//! `\|`, `\+`, `\?` are the operators and the plain characters literal; `^`
//! anchors only at the start (of the pattern, a group or a branch), `$`
//! only at the end, and a `*` with nothing before it is literal. Brackets
//! take POSIX classes (`[:alpha:]` ...) and treat a backslash as a literal
//! character. `\w \W \s \S \b \B \< \>` are GNU's. One difference stays:
//! regex-lite picks the leftmost-first alternative, POSIX the longest
//! (`echo ab | sed -E 's/a|ab/X/'` gives `Xb` here, `X` in GNU sed).
//! Back-references inside a pattern (`\(a\)\1`) are not supported.

use regex_lite::Regex;

/// A compiled POSIX pattern.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    re: Regex,
}

impl Pattern {
    /// Compiles `pattern` (`extended`: ERE, else BRE), ignoring case when asked.
    /// The error is the GNU regcomp message (`Unmatched ( or \(`).
    pub(crate) fn new(pattern: &str, extended: bool, ignore_case: bool) -> Result<Pattern, String> {
        let mut translated = translate(pattern, extended)?;
        if ignore_case {
            translated.insert_str(0, "(?i)");
        }
        Regex::new(&translated).map(|re| Pattern { re }).map_err(|_| "Invalid regular expression".to_string())
    }

    /// A pattern matching `text` literally (`grep -F`).
    pub(crate) fn literal(text: &str, ignore_case: bool) -> Pattern {
        let escaped = regex_lite::escape(text);
        let p = if ignore_case { format!("(?i){escaped}") } else { escaped };
        Pattern { re: Regex::new(&p).expect("an escaped literal is a valid regex") }
    }

    /// Whether the pattern matches somewhere in `hay`.
    pub(crate) fn is_match(&self, hay: &str) -> bool {
        self.re.is_match(hay)
    }

    /// Whether the pattern matches a whole word of `hay` (`grep -w`): a
    /// match with no word character on either side.
    pub(crate) fn matches_word(&self, hay: &str) -> bool {
        let mut at = 0;
        while at <= hay.len() {
            let Some(m) = self.re.find_at(hay, at) else { return false };
            let before = hay[..m.start()].chars().next_back().is_none_or(|c| !is_word(c));
            let after = hay[m.end()..].chars().next().is_none_or(|c| !is_word(c));
            if before && after && !m.as_str().is_empty() {
                return true;
            }
            // Try again one character further on.
            at = m.start() + hay[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
        false
    }

    /// The matches in `hay` from byte `at` on, each with its groups
    /// (`groups[0]` is the whole match): (start, end) byte spans.
    pub(crate) fn captures_at(&self, hay: &str, at: usize) -> Option<Vec<Option<(usize, usize)>>> {
        let caps = self.re.captures_at(hay, at)?;
        Some((0..caps.len()).map(|i| caps.get(i).map(|m| (m.start(), m.end()))).collect())
    }

    /// How many groups the pattern has (not counting the whole match).
    pub(crate) fn groups(&self) -> usize {
        self.re.captures_len() - 1
    }
}

/// A word character for `grep -w`, `\<` and `\>`.
pub(crate) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// What the last piece of output was, for the rules about `*` and `^`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// The start of the pattern, of a group or of a branch.
    Start,
    /// An atom that a quantifier may follow, starting at this byte of the output.
    Atom(usize),
    /// A quantified atom, starting at this byte of the output.
    Quantified(usize),
    /// An anchor (`^`, `\b`...): a `*` after `^` is literal in a BRE.
    Anchor,
}

/// Translates a POSIX pattern into regex-lite's syntax.
pub(crate) fn translate(p: &str, extended: bool) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::new();
    let mut last = Last::Start;
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let start = out.len();
        match c {
            '\\' => {
                let Some(&e) = chars.get(i) else { return Err("Trailing backslash".into()) };
                i += 1;
                match e {
                    '(' if !extended => {
                        out.push('(');
                        depth += 1;
                        last = Last::Start;
                    }
                    ')' if !extended => {
                        if depth == 0 {
                            return Err("Unmatched ) or \\)".into());
                        }
                        depth -= 1;
                        out.push(')');
                        last = Last::Atom(group_start(&out));
                    }
                    '|' if !extended => {
                        out.push('|');
                        last = Last::Start;
                    }
                    '{' if !extended => {
                        let (text, next) = interval(&chars, i, true)?;
                        i = next;
                        last = quantify(&mut out, last, &text, true)?;
                    }
                    '+' | '?' if !extended => {
                        last = quantify(&mut out, last, &e.to_string(), false)?;
                    }
                    '1'..='9' => {
                        return Err(
                            "back-references (\\1) in a pattern are not supported in the playground".into()
                        );
                    }
                    '<' => {
                        out.push_str(r"\b{start}");
                        last = Last::Anchor;
                    }
                    '>' => {
                        out.push_str(r"\b{end}");
                        last = Last::Anchor;
                    }
                    'b' | 'B' => {
                        out.push('\\');
                        out.push(e);
                        last = Last::Anchor;
                    }
                    '`' => {
                        out.push_str(r"\A");
                        last = Last::Anchor;
                    }
                    '\'' => {
                        out.push_str(r"\z");
                        last = Last::Anchor;
                    }
                    'w' | 'W' | 's' | 'S' => {
                        out.push('\\');
                        out.push(e);
                        last = Last::Atom(start);
                    }
                    'n' => {
                        out.push_str(r"\n");
                        last = Last::Atom(start);
                    }
                    't' => {
                        out.push_str(r"\t");
                        last = Last::Atom(start);
                    }
                    other => {
                        out.push_str(&regex_lite::escape(&other.to_string()));
                        last = Last::Atom(start);
                    }
                }
            }
            '[' => {
                i = bracket(&chars, i, &mut out)?;
                last = Last::Atom(start);
            }
            '.' => {
                out.push('.');
                last = Last::Atom(start);
            }
            '*' if matches!(last, Last::Start) || (!extended && last == Last::Anchor) => {
                out.push_str(r"\*");
                last = Last::Atom(start);
            }
            '*' => last = quantify(&mut out, last, "*", false)?,
            '+' | '?' if extended && !matches!(last, Last::Start | Last::Anchor) => {
                last = quantify(&mut out, last, &c.to_string(), false)?;
            }
            '{' if extended && !matches!(last, Last::Start | Last::Anchor) => {
                match interval(&chars, i, false) {
                    Ok((text, next)) => {
                        i = next;
                        last = quantify(&mut out, last, &text, true)?;
                    }
                    // GNU reads a `{` that opens no interval as itself.
                    Err(_) => {
                        out.push_str(r"\{");
                        last = Last::Atom(start);
                    }
                }
            }
            '(' if extended => {
                out.push('(');
                depth += 1;
                last = Last::Start;
            }
            ')' if extended && depth > 0 => {
                depth -= 1;
                out.push(')');
                last = Last::Atom(group_start(&out));
            }
            '|' if extended => {
                out.push('|');
                last = Last::Start;
            }
            '^' if extended || last == Last::Start => {
                out.push('^');
                last = Last::Anchor;
            }
            '$' if extended || at_branch_end(&chars, i) => {
                out.push('$');
                last = Last::Anchor;
            }
            other => {
                out.push_str(&regex_lite::escape(&other.to_string()));
                last = Last::Atom(start);
            }
        }
    }
    if depth > 0 {
        return Err("Unmatched ( or \\(".into());
    }
    Ok(out)
}

/// Whether a BRE `$` just before `chars[i]` ends the pattern, a group or a branch.
fn at_branch_end(chars: &[char], i: usize) -> bool {
    match chars.get(i) {
        None => true,
        Some('\\') => matches!(chars.get(i + 1), Some(')' | '|')),
        _ => false,
    }
}

/// The byte where the group that `out` ends with opens.
fn group_start(out: &str) -> usize {
    let b = out.as_bytes();
    let mut depth = 0i32;
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        // Skip escaped characters: count the backslashes before this byte.
        let escaped = b[..i].iter().rev().take_while(|&&x| x == b'\\').count() % 2 == 1;
        if escaped {
            continue;
        }
        match b[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    0
}

/// Appends quantifier `q` to what `last` describes; a second quantifier
/// wraps the quantified atom in a group, as POSIX allows `a**`.
fn quantify(out: &mut String, last: Last, q: &str, interval: bool) -> Result<Last, String> {
    match last {
        Last::Atom(at) => {
            out.push_str(q);
            Ok(Last::Quantified(at))
        }
        Last::Quantified(at) => {
            out.insert_str(at, "(?:");
            out.push(')');
            out.push_str(q);
            Ok(Last::Quantified(at))
        }
        Last::Start | Last::Anchor if interval => Err("Invalid preceding regular expression".into()),
        Last::Start | Last::Anchor => {
            // A BRE's `\+` with nothing before it: a literal.
            let at = out.len();
            out.push_str(&regex_lite::escape(q));
            Ok(Last::Atom(at))
        }
    }
}

/// Reads an interval body from `chars[i]` (after `{` or `\{`) to its close;
/// returns regex-lite's `{m,n}` and the index after the close.
fn interval(chars: &[char], mut i: usize, basic: bool) -> Result<(String, usize), String> {
    let mut body = String::new();
    loop {
        match chars.get(i) {
            None => return Err(if basic { "Unmatched \\{" } else { "Unmatched {" }.into()),
            Some('\\') if basic && chars.get(i + 1) == Some(&'}') => {
                i += 2;
                break;
            }
            Some('}') if !basic => {
                i += 1;
                break;
            }
            Some(&c) if c.is_ascii_digit() || c == ',' => body.push(c),
            Some(_) => return Err("Invalid content of \\{\\}".into()),
        }
        i += 1;
    }
    let parse = |s: &str| -> Result<Option<u32>, String> {
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<u32>()
            .ok()
            .filter(|n| *n <= 32_767)
            .map(Some)
            .ok_or_else(|| "Regular expression too big".into())
    };
    let text = match body.split_once(',') {
        None => match parse(&body)? {
            Some(n) => format!("{{{n}}}"),
            None => return Err("Invalid content of \\{\\}".into()),
        },
        Some((lo, hi)) if hi.contains(',') => return Err(format!("Invalid content of \\{{\\}} ({lo})")),
        Some((lo, hi)) => {
            let lo = parse(lo)?.unwrap_or(0);
            match parse(hi)? {
                Some(hi) if hi < lo => return Err("Invalid content of \\{\\}".into()),
                Some(hi) => format!("{{{lo},{hi}}}"),
                None => format!("{{{lo},}}"),
            }
        }
    };
    Ok((text, i))
}

/// The characters of a POSIX class name (`alpha` of `[:alpha:]`), as regex-lite class members.
fn class_members(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "a-zA-Z",
        "digit" => "0-9",
        "alnum" => "a-zA-Z0-9",
        "upper" => "A-Z",
        "lower" => "a-z",
        "space" => r" \t\n\r\x0B\x0C",
        "blank" => r" \t",
        "punct" => r"!-/:-@\[-`{-~",
        "xdigit" => "0-9A-Fa-f",
        "cntrl" => r"\x00-\x1F\x7F",
        "print" => r"\x20-\x7E",
        "graph" => r"\x21-\x7E",
        _ => return None,
    })
}

/// Translates the bracket expression whose `[` was just read; `i` is the
/// index after it. Returns the index after the closing `]`.
fn bracket(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, String> {
    const UNMATCHED: &str = "Unmatched [, [^, [:, [., or [=";
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else { return Err(UNMATCHED.into()) };
        i += 1;
        if c == ']' && !first {
            out.push(']');
            return Ok(i);
        }
        first = false;
        // A member: a class, a collating element, or a character.
        let lo = match (c, chars.get(i)) {
            ('[', Some(&kind @ (':' | '.' | '='))) => {
                let close = chars[i + 1..].windows(2).position(|w| w[0] == kind && w[1] == ']');
                let Some(len) = close else { return Err(UNMATCHED.into()) };
                let name: String = chars[i + 1..i + 1 + len].iter().collect();
                i += len + 3;
                if kind == ':' {
                    out.push_str(class_members(&name).ok_or("Invalid character class name")?);
                    continue;
                }
                let mut it = name.chars();
                match (it.next(), it.next()) {
                    (Some(ch), None) => ch,
                    _ => return Err("Invalid collation character".into()),
                }
            }
            _ => c,
        };
        // A range `lo-hi` (a `-` just before `]` is a literal).
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|n| *n != ']') {
            let hi = chars[i + 1];
            i += 2;
            if hi < lo {
                return Err("Invalid range end".into());
            }
            push_member(out, lo);
            out.push('-');
            push_member(out, hi);
        } else {
            push_member(out, lo);
        }
    }
}

/// One literal character inside a regex-lite class.
fn push_member(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        out.push_str(&format!(r"\x{:02X}", c as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str, extended: bool) -> String {
        translate(p, extended).unwrap_or_else(|e| format!("ERR {e}"))
    }

    fn m(p: &str, extended: bool, hay: &str) -> bool {
        Pattern::new(p, extended, false).unwrap_or_else(|e| panic!("{p}: {e}")).is_match(hay)
    }

    #[test]
    fn basic_syntax_reads_plain_operators_as_literals() {
        assert!(m("a+b", false, "xa+by"));
        assert!(!m("a+b", false, "aab"));
        assert!(m("a\\+b", false, "aab"));
        assert!(m("\\(ab\\)\\{2\\}", false, "abab"));
        assert!(!m("\\(ab\\)\\{2\\}", false, "ab"));
        assert!(m("a|b", false, "a|b"));
        assert!(m("a\\|b", false, "b"));
        assert!(m("*a", false, "*a"));
        assert!(m("^*a", false, "*a"));
        assert!(m("a^b$c", false, "a^b$c"));
        assert!(m("^ab$", false, "ab"));
        assert!(m("x{1}", false, "x{1}"));
    }

    #[test]
    fn extended_syntax_and_brackets() {
        assert!(m("(etcd|kube)-[0-9]+", true, "kube-12"));
        assert!(m("a{2,}", true, "xaay"));
        assert!(!m("a{2,}", true, "xay"));
        assert!(m("a{", true, "a{"));
        assert!(m("[[:digit:]]\\.[[:alpha:]]", false, "1.x"));
        assert!(m("[]a]", false, "]"));
        assert!(m("[^]a]", false, "b"));
        assert!(m("[a\\]", false, "\\"));
        assert!(m("[.-]", false, "-"));
        assert!(m("\\<etcd\\>", false, "an etcd pod"));
        assert!(!m("\\<etcd\\>", false, "etcdctl"));
        assert!(m("a**", false, "aaa"));
        assert!(m("a+?", true, "a"));
        assert_eq!(t("\\(ab\\)*", false), "(ab)*");
    }

    #[test]
    fn malformed_patterns_give_gnu_messages() {
        assert_eq!(t("\\(a", false), "ERR Unmatched ( or \\(");
        assert_eq!(t("a\\)", false), "ERR Unmatched ) or \\)");
        assert_eq!(t("[a", false), "ERR Unmatched [, [^, [:, [., or [=");
        assert_eq!(t("a\\", false), "ERR Trailing backslash");
        assert_eq!(t("[z-a]", false), "ERR Invalid range end");
        assert_eq!(t("[[:nope:]]", false), "ERR Invalid character class name");
        assert!(t("\\(a\\)\\1", false).starts_with("ERR back-references"));
        assert_eq!(t("a\\{1", false), "ERR Unmatched \\{");
        // A lone `)` in an ERE is itself.
        assert!(m("a)", true, "a)"));
    }

    #[test]
    fn words_and_captures() {
        let p = Pattern::new("etcd", false, false).unwrap();
        assert!(p.matches_word("etcdctl etcd"));
        assert!(!p.matches_word("etcdctl"));
        let p = Pattern::new("\\(a\\)\\(b\\)", false, false).unwrap();
        assert_eq!(p.groups(), 2);
        assert_eq!(p.captures_at("xab", 0), Some(vec![Some((1, 3)), Some((1, 2)), Some((2, 3))]));
        assert!(Pattern::new("ETCD", false, true).unwrap().is_match("etcd"));
        assert!(Pattern::literal("a.b", false).is_match("a.b"));
        assert!(!Pattern::literal("a.b", false).is_match("axb"));
    }

    #[test]
    fn no_pattern_panics() {
        let pieces =
            ["\\", "(", ")", "[", "]", "{", "}", "*", "+", "?", "|", "^", "$", ".", "a", ",", "1", ":", "-"];
        let mut x: u64 = 0x2545F4914F6CDD1D;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let p: String =
                (0..(x % 7)).map(|k| pieces[((x >> (k * 5)) % pieces.len() as u64) as usize]).collect();
            for extended in [false, true] {
                if let Ok(p) = Pattern::new(&p, extended, false) {
                    let _ = p.is_match("a(b)c{1}[x]");
                }
            }
        }
    }
}
