//! The shell's lexer: quoting, escapes, `$VAR` expansion, `#` comments, line continuations and heredocs.
//!
//! A console entry is one line, or several when it carries a heredoc
//! (`etcdctl txn <<EOF` ... `EOF`) or ends lines with a backslash:
//!
//! ```text
//! etcdctl put k "a b" 'c d' \     ->  ["etcdctl", "put", "k", "a b", "c d", "--lease=$L"]
//!   --lease="$L"   # comment           (with L expanded from the environment)
//! ```

use slim::VecMap;

/// Why a line could not be split into words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {
    /// A quote was opened and never closed.
    UnterminatedQuote,
    /// A heredoc's terminator line never came: more input is needed.
    Incomplete,
    /// A shell feature the playground does not implement (pipes, redirections, ...).
    Unsupported(String),
    /// bash's `syntax error near unexpected token `TOKEN'`.
    Syntax(String),
}

/// A redirection of a command's streams, in the order written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// `>FILE`, `>>FILE`, `2>FILE`, `2>>FILE` (`fd` is 1 or 2).
    Out {
        /// The stream: 1 standard output, 2 standard error.
        fd: u8,
        /// The file, as written (expanded).
        path: String,
        /// `>>`: append instead of truncating.
        append: bool,
    },
    /// `&>FILE`, `&>>FILE`: both streams.
    Both {
        /// The file.
        path: String,
        /// `&>>`.
        append: bool,
    },
    /// `2>&1` or `>&2`: stream `fd` goes where `to` goes now.
    Dup {
        /// The stream redirected.
        fd: u8,
        /// The stream it joins.
        to: u8,
    },
    /// `<FILE`: standard input from a file.
    In {
        /// The file.
        path: String,
    },
}

/// A console entry split into its command line and the standard input a heredoc gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The command line, continuations joined.
    pub line: String,
    /// The heredoc's body (each line ending in `\n`), if the line had one.
    pub stdin: Option<String>,
    /// Where in `line` the `<<WORD` was (a byte index), to tell which
    /// command of a list the heredoc feeds.
    pub heredoc_at: Option<usize>,
    /// The heredoc's word was unquoted (`<<EOF`): `$VAR` in its body
    /// expands ([`expand_heredoc`]); `<<'EOF'` keeps the body as written.
    pub expand: bool,
}

/// Splits an entry into its command line and heredoc body.
///
/// Backslash-newline joins lines; `<<WORD`, `<<'WORD'`, `<<"WORD"` and `<<-WORD`
/// take the following lines up to a line equal to `WORD` as standard input.
pub fn split_entry(input: &str) -> Result<Entry, LexError> {
    let mut lines = input.split('\n');
    let mut line = String::new();
    for l in lines.by_ref() {
        let l = l.strip_suffix('\r').unwrap_or(l);
        if let Some(head) = l.strip_suffix('\\')
            && !head.ends_with('\\')
        {
            line.push_str(head);
            continue;
        }
        line.push_str(l);
        break;
    }
    // A quote left open continues on the next line, as in a shell.
    while open_quote(&line) {
        match lines.next() {
            Some(l) => {
                line.push('\n');
                line.push_str(l.strip_suffix('\r').unwrap_or(l));
            }
            None => break,
        }
    }
    let Some(Heredoc { at, word, expand, strip_tabs }) = find_heredoc(&line) else {
        return Ok(Entry { line, stdin: None, heredoc_at: None, expand: false });
    };
    let mut body = String::new();
    let mut closed = false;
    for l in lines {
        let l = l.strip_suffix('\r').unwrap_or(l);
        let l = if strip_tabs { l.trim_start_matches('\t') } else { l };
        if l == word {
            closed = true;
            break;
        }
        body.push_str(l);
        body.push('\n');
    }
    if !closed {
        return Err(LexError::Incomplete);
    }
    let mut rest = line[..at.0].to_string();
    rest.push(' ');
    rest.push_str(&line[at.1..]);
    Ok(Entry { line: rest.trim_end().to_string(), stdin: Some(body), heredoc_at: Some(at.0), expand })
}

/// Expands an unquoted heredoc's body as bash does: `$VAR`, `${VAR}`,
/// `$?`, and `\$`, `\\`, `` \` `` and backslash-newline as escapes.
pub fn expand_heredoc(body: &str, env: &VecMap<String, String>) -> Result<String, LexError> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => match chars.get(i + 1) {
                Some(&c @ ('$' | '\\' | '`')) => {
                    out.push(c);
                    i += 1;
                }
                Some('\n') => i += 1,
                _ => out.push('\\'),
            },
            '$' => i = expand(&chars, i, env, &mut out)?,
            '`' => return Err(unsupported("command substitution")),
            c => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

/// Whether `line` ends inside a `'...'` or `"..."` quote.
fn open_quote(line: &str) -> bool {
    let (mut sq, mut dq, mut esc) = (false, false, false);
    let mut prev = ' ';
    for c in line.chars() {
        if esc {
            esc = false;
            prev = c;
            continue;
        }
        match c {
            '\\' if !sq => esc = true,
            '\'' if !dq => sq = !sq,
            '"' if !sq => dq = !dq,
            // A comment runs to the end of the line: quotes in it do not count.
            '#' if !sq && !dq && prev.is_whitespace() => return false,
            _ => {}
        }
        prev = c;
    }
    sq || dq
}

/// A `<<WORD` found in a line.
struct Heredoc {
    /// Its byte span.
    at: (usize, usize),
    /// The terminator word.
    word: String,
    /// The word was unquoted: the body expands.
    expand: bool,
    /// `<<-`: leading tabs are stripped.
    strip_tabs: bool,
}

/// Finds an unquoted `<<WORD` in `line`.
fn find_heredoc(line: &str) -> Option<Heredoc> {
    let b = line.as_bytes();
    let mut i = 0;
    let (mut sq, mut dq) = (false, false);
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' if !sq => i += 1,
            b'\'' if !dq => sq = !sq,
            b'"' if !sq => dq = !dq,
            b'#' if !sq && !dq && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') => return None,
            b'<' if !sq && !dq && b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => {
                let start = i;
                let mut j = i + 2;
                let strip = b.get(j) == Some(&b'-');
                if strip {
                    j += 1;
                }
                while b.get(j) == Some(&b' ') {
                    j += 1;
                }
                let mut word = String::new();
                let quote = match b.get(j) {
                    Some(&q @ (b'\'' | b'"')) => {
                        j += 1;
                        Some(q)
                    }
                    _ => None,
                };
                while let Some(&ch) = b.get(j) {
                    if Some(ch) == quote {
                        j += 1;
                        break;
                    }
                    if quote.is_none() && (ch == b' ' || ch == b'\t' || ch == b';' || ch == b'|') {
                        break;
                    }
                    word.push(ch as char);
                    j += 1;
                }
                if word.is_empty() {
                    return None;
                }
                return Some(Heredoc { at: (start, j), word, expand: quote.is_none(), strip_tabs: strip });
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits a command line into words as a POSIX shell would, expanding `$VAR`,
/// `${VAR}` and `$?` from `env` outside single quotes. Redirections are
/// left out (see [`split_command`]).
pub fn split_words(line: &str, env: &VecMap<String, String>) -> Result<Vec<String>, LexError> {
    split_command(line, env).map(|(words, _)| words)
}

/// `-/->` without its `>`: see the one-way arrow in [`split_command`].
const ONE_WAY_ARROW_STEM: &str = "-/-";

/// What the next word is: an argument, or the file of a redirection.
enum Pending {
    Out { fd: u8, append: bool },
    Both { append: bool },
    In,
}

/// Splits a command line into its words and its redirections
/// (`echo a > f 2>&1` -> `["echo", "a"]`, `[Out 1 f, Dup 2 -> 1]`).
pub fn split_command(
    line: &str,
    env: &VecMap<String, String>,
) -> Result<(Vec<String>, Vec<Redirect>), LexError> {
    let chars: Vec<char> = line.chars().collect();
    let mut words = Vec::new();
    let mut redirects = Vec::new();
    let mut pending: Option<Pending> = None;
    let mut cur = String::new();
    let mut in_word = false;
    // Whether the word so far was written without quotes or escapes (`2` of `2>`).
    let mut plain = true;
    let mut i = 0;
    // Ends the current word: an argument, or the file a redirection waits for.
    let end_word = |cur: &mut String,
                    words: &mut Vec<String>,
                    pending: &mut Option<Pending>,
                    redirects: &mut Vec<Redirect>| {
        let word = std::mem::take(cur);
        match pending.take() {
            None => words.push(word),
            Some(Pending::Out { fd, append }) => redirects.push(Redirect::Out { fd, path: word, append }),
            Some(Pending::Both { append }) => redirects.push(Redirect::Both { path: word, append }),
            Some(Pending::In) => redirects.push(Redirect::In { path: word }),
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    end_word(&mut cur, &mut words, &mut pending, &mut redirects);
                    in_word = false;
                    plain = true;
                }
            }
            // `cluster partition A -/-> B`: the playground's one-way arrow is
            // a word of its own there, not a redirection (only for `cluster`,
            // so every other line splits as bash splits it).
            '>' if in_word
                && plain
                && cur == ONE_WAY_ARROW_STEM
                && words.first().is_some_and(|w| w == "cluster")
                && chars.get(i + 1).is_none_or(|n| n.is_whitespace()) =>
            {
                cur.push(c);
            }
            '>' | '<' | '&' if c != '&' || chars.get(i + 1) == Some(&'>') => {
                // `N>`: a lone digit just before is the stream's number.
                let mut fd = 1;
                if in_word && plain && (cur == "1" || cur == "2") && c == '>' {
                    fd = if cur == "1" { 1 } else { 2 };
                    cur.clear();
                    in_word = false;
                } else if in_word {
                    end_word(&mut cur, &mut words, &mut pending, &mut redirects);
                    in_word = false;
                }
                plain = true;
                if pending.is_some() {
                    return Err(LexError::Syntax(c.to_string()));
                }
                match c {
                    '<' if matches!(chars.get(i + 1), Some('(' | '<')) => {
                        return Err(unsupported("process substitution and here-strings"));
                    }
                    '<' => pending = Some(Pending::In),
                    '&' => {
                        i += 1;
                        let append = chars.get(i + 1) == Some(&'>');
                        if append {
                            i += 1;
                        }
                        pending = Some(Pending::Both { append });
                    }
                    _ => {
                        let append = chars.get(i + 1) == Some(&'>');
                        if append {
                            i += 1;
                        }
                        if chars.get(i + 1) == Some(&'&') {
                            // `2>&1`, `>&2`.
                            i += 1;
                            match chars.get(i + 1) {
                                Some(&d @ ('1' | '2')) if !append => {
                                    i += 1;
                                    redirects.push(Redirect::Dup { fd, to: if d == '1' { 1 } else { 2 } });
                                }
                                Some(&d) if d.is_ascii_digit() || d == '-' => {
                                    return Err(unsupported("redirections of streams other than 1 and 2"));
                                }
                                _ => pending = Some(Pending::Both { append }),
                            }
                        } else {
                            pending = Some(Pending::Out { fd, append });
                        }
                    }
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                plain = false;
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(LexError::UnterminatedQuote),
                        Some('\'') => break,
                        Some(&ch) => cur.push(ch),
                    }
                    i += 1;
                }
            }
            '"' => {
                in_word = true;
                plain = false;
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(LexError::UnterminatedQuote),
                        Some('"') => break,
                        Some('\\') => match chars.get(i + 1) {
                            Some(&n @ ('"' | '\\' | '$' | '`')) => {
                                cur.push(n);
                                i += 1;
                            }
                            Some('\n') => i += 1,
                            _ => cur.push('\\'),
                        },
                        Some('$') => i = expand(&chars, i, env, &mut cur)?,
                        Some('`') => return Err(unsupported("command substitution")),
                        Some(&ch) => cur.push(ch),
                    }
                    i += 1;
                }
            }
            '\\' => {
                in_word = true;
                plain = false;
                if let Some(&n) = chars.get(i + 1) {
                    if n != '\n' {
                        cur.push(n);
                    }
                    i += 1;
                }
            }
            '$' => {
                plain = false;
                let before = cur.len();
                i = expand(&chars, i, env, &mut cur)?;
                if cur.len() > before || in_word {
                    in_word = true;
                } else if matches!(chars.get(i), Some(' ' | '\t') | None) {
                    // An unset unquoted variable expands to no word at all.
                }
            }
            '|' => return Err(unsupported("pipes (|)")),
            ';' => return Err(unsupported("command lists (;)")),
            '&' => return Err(unsupported("background jobs and && lists")),
            '`' => return Err(unsupported("command substitution")),
            '(' | ')' => return Err(unsupported("subshells")),
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
        i += 1;
    }
    if in_word {
        end_word(&mut cur, &mut words, &mut pending, &mut redirects);
    }
    if pending.is_some() {
        return Err(LexError::Syntax("newline".to_string()));
    }
    Ok((words, redirects))
}

fn unsupported(what: &str) -> LexError {
    LexError::Unsupported(what.to_string())
}

/// Expands the variable reference starting at `chars[i] == '$'` into `out`;
/// returns the index of its last character.
fn expand(
    chars: &[char],
    i: usize,
    env: &VecMap<String, String>,
    out: &mut String,
) -> Result<usize, LexError> {
    match chars.get(i + 1) {
        Some('{') => {
            let mut j = i + 2;
            let mut name = String::new();
            while let Some(&c) = chars.get(j) {
                if c == '}' {
                    out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                    return Ok(j);
                }
                name.push(c);
                j += 1;
            }
            Err(LexError::UnterminatedQuote)
        }
        Some('(') => Err(unsupported("command substitution ($(...))")),
        Some('?') => {
            out.push_str(env.get("?").map(String::as_str).unwrap_or("0"));
            Ok(i + 1)
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            let mut j = i + 1;
            let mut name = String::new();
            while let Some(&c) = chars.get(j) {
                if !(c.is_ascii_alphanumeric() || c == '_') {
                    break;
                }
                name.push(c);
                j += 1;
            }
            out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
            Ok(j - 1)
        }
        _ => {
            out.push('$');
            Ok(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut env = VecMap::new();
        env.insert("L".to_string(), "abc".to_string());
        split_words(s, &env).unwrap()
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(words(r#"put k "a b" 'c  d' e\ f"#), ["put", "k", "a b", "c  d", "e f"]);
        assert_eq!(words(r#"put k "" ''"#), ["put", "k", "", ""]);
        assert_eq!(words(r#"echo "x\"y" 'a\b'"#), ["echo", "x\"y", "a\\b"]);
        assert_eq!(words("a # comment"), ["a"]);
        assert_eq!(words("a#b"), ["a#b"]);
    }

    #[test]
    fn the_one_way_arrow_is_a_word_for_cluster_only() {
        assert_eq!(words("cluster partition a -/-> b"), ["cluster", "partition", "a", "-/->", "b"]);
        assert_eq!(words("cluster partition a -/->"), ["cluster", "partition", "a", "-/->"]);
        let env = VecMap::new();
        // Elsewhere `>` redirects, as in bash.
        let (w, r) = split_command("echo -/-> f", &env).unwrap();
        assert_eq!(w, ["echo", "-/-"]);
        assert_eq!(r, [Redirect::Out { fd: 1, path: "f".into(), append: false }]);
        let (w, r) = split_command("cluster partition a -/->f", &env).unwrap();
        assert_eq!(w, ["cluster", "partition", "a", "-/-"]);
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn variables() {
        assert_eq!(words("x $L ${L}x \"$L y\" '$L' $NONE z"), ["x", "abc", "abcx", "abc y", "$L", "z"]);
        assert_eq!(words("--lease=$L"), ["--lease=abc"]);
    }

    #[test]
    fn errors() {
        let env = VecMap::new();
        assert_eq!(split_words("a 'b", &env), Err(LexError::UnterminatedQuote));
        assert!(matches!(split_words("a | b", &env), Err(LexError::Unsupported(_))));
        assert_eq!(split_words("echo >", &env), Err(LexError::Syntax("newline".into())));
        assert_eq!(split_words("echo > > f", &env), Err(LexError::Syntax(">".into())));
    }

    #[test]
    fn redirections() {
        let env = VecMap::new();
        let out = |path: &str, fd, append| Redirect::Out { fd, path: path.into(), append };
        assert_eq!(
            split_command("echo a>f 2>&1", &env).unwrap(),
            (vec!["echo".into(), "a".into()], vec![out("f", 1, false), Redirect::Dup { fd: 2, to: 1 }])
        );
        assert_eq!(
            split_command("cmd 2>>err.log >&2 \"2\">x", &env).unwrap(),
            (
                vec!["cmd".into(), "2".into()],
                vec![out("err.log", 2, true), Redirect::Dup { fd: 1, to: 2 }, out("x", 1, false)]
            )
        );
        assert_eq!(
            split_command("cat <in &>all", &env).unwrap().1,
            vec![Redirect::In { path: "in".into() }, Redirect::Both { path: "all".into(), append: false }]
        );
        assert_eq!(split_command("echo 'a>b' a\\>b", &env).unwrap().0, ["echo", "a>b", "a>b"]);
    }

    #[test]
    fn heredoc() {
        let e = split_entry("etcdctl put k <<EOF\nline 1\nline 2\nEOF").unwrap();
        assert_eq!(e.line, "etcdctl put k");
        assert_eq!(e.stdin.as_deref(), Some("line 1\nline 2\n"));
        assert_eq!(split_entry("etcdctl txn <<EOF\nx"), Err(LexError::Incomplete));
        let e = split_entry("etcdctl get \\\n  foo").unwrap();
        assert_eq!(e.line, "etcdctl get   foo");
        let e = split_entry("etcdctl put k 'line 1\nline 2'").unwrap();
        assert_eq!(split_words(&e.line, &VecMap::new()).unwrap(), ["etcdctl", "put", "k", "line 1\nline 2"]);
        assert!(!open_quote("echo a # it's"));
        assert!(open_quote("echo 'it"));
        let e = split_entry("cat <<'END'\n$x\nEND").unwrap();
        assert_eq!(e.stdin.as_deref(), Some("$x\n"));
        assert!(!e.expand);
        assert!(split_entry("cat <<END\n$x\nEND").unwrap().expand);
        let mut env = VecMap::new();
        env.insert("X".to_string(), "1".to_string());
        assert_eq!(expand_heredoc("a $X ${X}b \\$X \\\\ \\q\n", &env).unwrap(), "a 1 1b $X \\ \\q\n");
    }
}
