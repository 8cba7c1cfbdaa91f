//! Command lists and pipelines: a line split at `;`, `&&`, `||` and `|`
//! outside quotes, before any word is expanded (so `false; echo $?` sees the
//! status of `false`).
//!
//! ```text
//!   etcdctl put a 1 && etcdctl get a | grep 1 ; echo done
//!   ─► [ (["etcdctl put a 1"], And), (["etcdctl get a", "grep 1"], Seq), (["echo done"], Seq) ]
//! ```
//!
//! A missing command around an operator is bash's syntax error; `&` alone
//! (background jobs) and `|&` stay unsupported.

use super::lexer::LexError;

/// What connects a pipeline to the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// `;` or the end of the line: run the next one whatever happened.
    Seq,
    /// `&&`: run the next one if this one succeeded.
    And,
    /// `||`: run the next one if this one failed.
    Or,
}

/// A line split into pipelines: each is its commands' raw text (in pipe
/// order) and the separator after it.
pub type List = Vec<(Vec<String>, Sep)>;

/// Why a line is not a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListError {
    /// Lexing failed (an open quote, an unsupported feature).
    Lex(LexError),
    /// bash's `syntax error near unexpected token `TOKEN'`.
    Syntax(String),
}

/// Splits `line` into pipelines. A line without operators is one pipeline
/// of one command.
pub fn split_list(line: &str) -> Result<List, ListError> {
    let chars: Vec<char> = line.chars().collect();
    let mut list: List = Vec::new();
    let mut pipeline: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    let mut word_start = true;
    // Closes the current command; `token` is the operator that ends it.
    let close = |cur: &mut String, pipeline: &mut Vec<String>, token: &str| -> Result<(), ListError> {
        let text = cur.trim().to_string();
        if text.is_empty() {
            return Err(ListError::Syntax(token.to_string()));
        }
        pipeline.push(text);
        cur.clear();
        Ok(())
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' => i = copy_quoted(&chars, i, &mut cur)?,
            '\\' => {
                cur.push(c);
                if let Some(&n) = chars.get(i + 1) {
                    cur.push(n);
                    i += 1;
                }
            }
            '#' if word_start => {
                // A comment: the rest of the line is not parsed.
                break;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                close(&mut cur, &mut pipeline, "||")?;
                list.push((std::mem::take(&mut pipeline), Sep::Or));
                i += 1;
            }
            '|' if chars.get(i + 1) == Some(&'&') => {
                return Err(ListError::Lex(LexError::Unsupported("|& pipes".to_string())));
            }
            '|' => close(&mut cur, &mut pipeline, "|")?,
            '&' if chars.get(i + 1) == Some(&'&') => {
                close(&mut cur, &mut pipeline, "&&")?;
                list.push((std::mem::take(&mut pipeline), Sep::And));
                i += 1;
            }
            // `2>&1`, `>&2`, `&>file`: a redirection, not a background job.
            '&' if i > 0 && chars[i - 1] == '>' || chars.get(i + 1) == Some(&'>') => cur.push(c),
            '&' => return Err(ListError::Lex(LexError::Unsupported("background jobs (&)".to_string()))),
            ';' => {
                close(&mut cur, &mut pipeline, ";")?;
                list.push((std::mem::take(&mut pipeline), Sep::Seq));
            }
            _ => cur.push(c),
        }
        word_start = matches!(chars.get(i), Some(' ' | '\t' | '\n' | ';' | '|' | '&'));
        i += 1;
    }
    if cur.trim().is_empty() {
        // A trailing `;` is fine; a trailing `|`, `&&` or `||` is not (bash
        // would ask for more input; the console reports it).
        if !pipeline.is_empty() {
            return Err(ListError::Syntax("newline".to_string()));
        }
        match list.last() {
            Some((_, Sep::And)) => return Err(ListError::Syntax("newline".to_string())),
            Some((_, Sep::Or)) => return Err(ListError::Syntax("newline".to_string())),
            _ => {}
        }
    } else {
        close(&mut cur, &mut pipeline, "newline")?;
        list.push((pipeline, Sep::Seq));
    }
    Ok(list)
}

/// Copies the quoted string opening at `chars[i]` into `cur`, quotes
/// included (a backslash escapes inside `"..."` only, as in a shell);
/// returns the index of the closing quote.
fn copy_quoted(chars: &[char], mut i: usize, cur: &mut String) -> Result<usize, ListError> {
    let quote = chars[i];
    cur.push(quote);
    i += 1;
    loop {
        let Some(&ch) = chars.get(i) else { return Err(ListError::Lex(LexError::UnterminatedQuote)) };
        cur.push(ch);
        if ch == quote {
            return Ok(i);
        }
        if ch == '\\'
            && quote == '"'
            && let Some(&n) = chars.get(i + 1)
        {
            cur.push(n);
            i += 1;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(line: &str) -> Vec<(Vec<&'static str>, Sep)> {
        split_list(line)
            .unwrap()
            .into_iter()
            .map(|(p, s)| (p.into_iter().map(|c| &*Box::leak(c.into_boxed_str())).collect(), s))
            .collect()
    }

    #[test]
    fn splits_lists_and_pipelines_outside_quotes() {
        assert_eq!(cmds("etcdctl get a"), vec![(vec!["etcdctl get a"], Sep::Seq)]);
        assert_eq!(
            cmds("etcdctl put a 1 && etcdctl get a | grep 1 ; echo done"),
            vec![
                (vec!["etcdctl put a 1"], Sep::And),
                (vec!["etcdctl get a", "grep 1"], Sep::Seq),
                (vec!["echo done"], Sep::Seq)
            ]
        );
        assert_eq!(cmds("false || echo no"), vec![(vec!["false"], Sep::Or), (vec!["echo no"], Sep::Seq)]);
        assert_eq!(
            cmds("echo 'a|b;c' \"x&&y\" e\\;f"),
            vec![(vec!["echo 'a|b;c' \"x&&y\" e\\;f"], Sep::Seq)]
        );
        assert_eq!(cmds("echo a; "), vec![(vec!["echo a"], Sep::Seq)]);
        assert_eq!(cmds("echo a # b | c"), vec![(vec!["echo a"], Sep::Seq)]);
        assert_eq!(cmds("echo a#b|cat"), vec![(vec!["echo a#b", "cat"], Sep::Seq)]);
        assert_eq!(cmds("a 2>&1 | b &>f"), vec![(vec!["a 2>&1", "b &>f"], Sep::Seq)]);
    }

    #[test]
    fn missing_commands_are_syntax_errors() {
        assert_eq!(split_list("| grep a"), Err(ListError::Syntax("|".into())));
        assert_eq!(split_list("echo a |"), Err(ListError::Syntax("newline".into())));
        assert_eq!(split_list("echo a &&"), Err(ListError::Syntax("newline".into())));
        assert_eq!(split_list("; echo"), Err(ListError::Syntax(";".into())));
        assert_eq!(split_list("a && && b"), Err(ListError::Syntax("&&".into())));
        assert!(matches!(split_list("sleep 1 &"), Err(ListError::Lex(LexError::Unsupported(_)))));
        assert!(matches!(split_list("echo 'open"), Err(ListError::Lex(LexError::UnterminatedQuote))));
    }
}
