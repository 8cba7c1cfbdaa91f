//! sed's script language: addresses and commands parsed from an `-e` expression, with GNU sed's error messages.
//!
//! ```text
//!   "2,/^b/!s|a|b|2g; $p"  ->  [Cmd { a1: Line(2), a2: Re(/^b/), negate, Subst(a -> b, nth 2, g) },
//!                               Cmd { a1: Last, Print }]
//! ```
//!
//! Supported: `s` (any delimiter, flags `g`, `p`, N, `I`), `p`, `d`, `q`,
//! `Q`, `=`, `a`, `i`, `c` (GNU's one-line forms and `a\` text), `y`, `n`, `N`, the
//! hold space (`h H g G x`), blocks `{ }`, `!`, `#` comments; addresses N,
//! `$`, `/re/` (or `\%re%`, with `I`), `first~step`, `addr,addr`,
//! `addr,+N`, `0,/re/`.

use crate::shell::regex::Pattern;

/// An address.
#[derive(Clone, Debug)]
pub(super) enum Addr {
    /// Line N (counted across the input, or per file with `-i`/`-s`).
    Line(usize),
    /// The last line (`$`).
    Last,
    /// Lines the pattern matches; `None` is `//`, the last pattern used.
    Re(Option<Pattern>),
    /// `first~step`.
    Step(usize, usize),
    /// `addr,+N` (second address only).
    Plus(usize),
}

/// A command with its addresses.
#[derive(Clone, Debug)]
pub(super) struct Cmd {
    /// Its index among every command of the script (for its range state).
    pub id: usize,
    pub a1: Option<Addr>,
    pub a2: Option<Addr>,
    pub negate: bool,
    pub op: Op,
}

/// What a command does.
#[derive(Clone, Debug)]
pub(super) enum Op {
    Subst(Box<Subst>),
    Print,
    Delete,
    /// `q` (print, then stop) or `Q` (stop at once), with an exit code.
    Quit {
        print: bool,
        code: i32,
    },
    LineNumber,
    Append(String),
    Insert(String),
    Change(String),
    Translate(Vec<(char, char)>),
    /// `n` (print, then read the next line) or `N` (append the next line).
    Next {
        append: bool,
    },
    Hold {
        op: char,
    },
    Block(Vec<Cmd>),
}

/// `s/re/replacement/flags`.
#[derive(Clone, Debug)]
pub(super) struct Subst {
    /// `None`: the last pattern used (`s//x/`).
    pub re: Option<Pattern>,
    pub replacement: Vec<Piece>,
    pub global: bool,
    /// Replace from the Nth match on (1 by default).
    pub nth: usize,
    pub print: bool,
}

/// A piece of a replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    Text(String),
    /// `&` (0) or `\1`..`\9`.
    Group(usize),
}

/// A parse error: the message and the character (1-based) where it was found.
pub(super) type ParseError = (usize, String);

/// Parses one expression; `next_id` numbers the commands across expressions.
pub(super) fn parse(text: &str, extended: bool, next_id: &mut usize) -> Result<Vec<Cmd>, ParseError> {
    let mut p = Parser { chars: text.chars().collect(), i: 0, extended, next_id };
    let cmds = p.commands(false)?;
    Ok(cmds)
}

struct Parser<'a> {
    chars: Vec<char>,
    i: usize,
    extended: bool,
    next_id: &'a mut usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    /// An error at the character just read.
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, ParseError> {
        Err((self.i.max(1), msg.into()))
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.i += 1;
        }
    }

    fn commands(&mut self, in_block: bool) -> Result<Vec<Cmd>, ParseError> {
        let mut cmds = Vec::new();
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.i += 1;
            }
            match self.peek() {
                None if in_block => {
                    self.i += 1;
                    return self.err("unmatched `{'");
                }
                None => return Ok(cmds),
                Some('#') => while !matches!(self.bump(), None | Some('\n')) {},
                Some('}') if in_block => {
                    self.i += 1;
                    self.end_of_command()?;
                    return Ok(cmds);
                }
                Some(_) => cmds.push(self.command()?),
            }
        }
    }

    fn command(&mut self) -> Result<Cmd, ParseError> {
        let a1 = self.address(false)?;
        let mut a2 = None;
        if a1.is_some() && self.peek() == Some(',') {
            self.i += 1;
            self.skip_blanks();
            a2 = match self.address(true)? {
                Some(a) => Some(a),
                None => return self.err("unexpected `,'"),
            };
        }
        if let Some(Addr::Line(0)) = a1
            && !matches!(a2, Some(Addr::Re(_)))
        {
            return self.err("invalid usage of line address 0");
        }
        self.skip_blanks();
        let mut negate = false;
        while self.peek() == Some('!') {
            if negate {
                self.i += 1;
                return self.err("multiple `!'s");
            }
            negate = true;
            self.i += 1;
            self.skip_blanks();
        }
        let id = *self.next_id;
        *self.next_id += 1;
        let Some(c) = self.bump() else { return self.err("missing command") };
        let op = match c {
            '{' => Op::Block(self.commands(true)?),
            '}' => return self.err("unexpected `}'"),
            's' => Op::Subst(Box::new(self.subst()?)),
            'p' => self.simple(Op::Print)?,
            'd' => self.simple(Op::Delete)?,
            '=' => self.simple(Op::LineNumber)?,
            'h' | 'H' | 'g' | 'G' | 'x' => self.simple(Op::Hold { op: c })?,
            'n' | 'N' => self.simple(Op::Next { append: c == 'N' })?,
            'q' | 'Q' => {
                if a2.is_some() {
                    return self.err("command only uses one address");
                }
                self.skip_blanks();
                let mut code = String::new();
                while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                    code.push(d);
                    self.i += 1;
                }
                self.end_of_command()?;
                Op::Quit { print: c == 'q', code: code.parse().unwrap_or(0) }
            }
            'a' | 'i' | 'c' => {
                let text = self.text()?;
                match c {
                    'a' => Op::Append(text),
                    'i' => Op::Insert(text),
                    _ => Op::Change(text),
                }
            }
            'y' => self.translate()?,
            '\n' | ';' => return self.err("missing command"),
            other => return self.err(format!("unknown command: `{other}'")),
        };
        Ok(Cmd { id, a1, a2, negate, op })
    }

    /// A command that takes no argument.
    fn simple(&mut self, op: Op) -> Result<Op, ParseError> {
        self.end_of_command()?;
        Ok(op)
    }

    /// After a command: blanks, then `;`, a newline, `}`, `#` or the end.
    fn end_of_command(&mut self) -> Result<(), ParseError> {
        self.skip_blanks();
        match self.peek() {
            None | Some('\n' | ';' | '}' | '#') => {
                if matches!(self.peek(), Some('\n' | ';')) {
                    self.i += 1;
                }
                Ok(())
            }
            Some(_) => {
                self.i += 1;
                self.err("extra characters after command")
            }
        }
    }

    fn number(&mut self) -> usize {
        let mut n = 0usize;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d as usize);
            self.i += 1;
        }
        n
    }

    fn address(&mut self, second: bool) -> Result<Option<Addr>, ParseError> {
        let addr = match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let n = self.number();
                if self.peek() == Some('~') {
                    self.i += 1;
                    let step = self.number();
                    Addr::Step(n, step)
                } else {
                    Addr::Line(n)
                }
            }
            Some('+') if second => {
                self.i += 1;
                Addr::Plus(self.number())
            }
            Some('$') => {
                self.i += 1;
                Addr::Last
            }
            Some('/') => {
                self.i += 1;
                self.address_re('/')?
            }
            Some('\\') => {
                self.i += 1;
                match self.bump() {
                    Some(d) if d != '\n' && d != '\\' => self.address_re(d)?,
                    _ => return self.err("unexpected `,'"),
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(addr))
    }

    fn address_re(&mut self, delim: char) -> Result<Addr, ParseError> {
        let Some(text) = self.delimited(delim, true) else {
            return self.err("unterminated address regex");
        };
        let mut ignore_case = false;
        while let Some(f @ ('I' | 'M')) = self.peek() {
            ignore_case |= f == 'I';
            self.i += 1;
        }
        if text.is_empty() {
            return Ok(Addr::Re(None));
        }
        match Pattern::new(&text, self.extended, ignore_case) {
            Ok(p) => Ok(Addr::Re(Some(p))),
            Err(e) => self.err(e),
        }
    }

    /// Reads up to the unescaped `delim` (consumed); `\delim` becomes
    /// `delim` and `\n` a newline, other escapes stay for the regex or the
    /// replacement. In a regex, a bracket expression may hold `delim`.
    fn delimited(&mut self, delim: char, regex: bool) -> Option<String> {
        let mut out = String::new();
        loop {
            let c = self.bump()?;
            match c {
                c if c == delim => return Some(out),
                '\\' => {
                    let e = self.bump()?;
                    if e == delim {
                        out.push(e);
                    } else if e == '\n' {
                        out.push('\n');
                    } else {
                        out.push('\\');
                        out.push(e);
                    }
                }
                '\n' if regex => return None,
                '[' if regex => {
                    out.push('[');
                    let start = self.i;
                    if self.peek() == Some('^') {
                        out.push('^');
                        self.i += 1;
                    }
                    if self.peek() == Some(']') {
                        out.push(']');
                        self.i += 1;
                    }
                    loop {
                        let Some(b) = self.bump() else {
                            // No closing bracket: read it as plain text.
                            self.i = start;
                            break;
                        };
                        out.push(b);
                        if b == '[' && matches!(self.peek(), Some(':' | '.' | '=')) {
                            let kind = self.bump()?;
                            out.push(kind);
                            while let Some(x) = self.bump() {
                                out.push(x);
                                if x == kind && self.peek() == Some(']') {
                                    out.push(']');
                                    self.i += 1;
                                    break;
                                }
                            }
                        } else if b == ']' {
                            break;
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }

    /// The two delimited parts of `s` (a regex, then a replacement) or `y`:
    /// the delimiter is the next character, any but a newline or backslash.
    fn two_parts(&mut self, cmd: char) -> Result<(String, String), ParseError> {
        let unterminated = format!("unterminated `{cmd}' command");
        let delim = match self.bump() {
            Some(d) if d != '\n' && d != '\\' => d,
            _ => return self.err(unterminated),
        };
        let Some(first) = self.delimited(delim, cmd == 's') else { return self.err(unterminated) };
        let Some(second) = self.delimited(delim, false) else { return self.err(unterminated) };
        Ok((first, second))
    }

    fn subst(&mut self) -> Result<Subst, ParseError> {
        let (re_text, repl_text) = self.two_parts('s')?;
        let (mut global, mut print, mut ignore_case) = (false, false, false);
        let mut nth: Option<usize> = None;
        loop {
            match self.peek() {
                Some('g') => {
                    if global {
                        self.i += 1;
                        return self.err("multiple `g' options to `s' command");
                    }
                    global = true;
                }
                Some('p') => {
                    if print {
                        self.i += 1;
                        return self.err("multiple `p' options to `s' command");
                    }
                    print = true;
                }
                Some('I' | 'i') => ignore_case = true,
                Some('M' | 'm') => {}
                Some(c) if c.is_ascii_digit() => {
                    if nth.is_some() {
                        self.i += 1;
                        return self.err("multiple number options to `s' command");
                    }
                    let n = self.number();
                    if n == 0 {
                        return self.err("number option to `s' command may not be zero");
                    }
                    nth = Some(n);
                    continue;
                }
                None | Some(' ' | '\t' | '\n' | ';' | '}' | '#') => break,
                Some(_) => {
                    self.i += 1;
                    return self.err("unknown option to `s'");
                }
            }
            self.i += 1;
        }
        self.end_of_command()?;
        let re = if re_text.is_empty() {
            None
        } else {
            match Pattern::new(&re_text, self.extended, ignore_case) {
                Ok(p) => Some(p),
                Err(e) => return self.err(e),
            }
        };
        let replacement = replacement(&repl_text);
        let groups = re.as_ref().map_or(9, Pattern::groups);
        if let Some(n) = replacement.iter().find_map(|p| match p {
            Piece::Group(n) if *n > groups => Some(*n),
            _ => None,
        }) {
            return self.err(format!("invalid reference \\{n} on `s' command's RHS"));
        }
        Ok(Subst { re, replacement, global, nth: nth.unwrap_or(1), print })
    }

    /// The text of `a`, `i`, `c`: `a text`, `a\` then lines, `a\text`.
    fn text(&mut self) -> Result<String, ParseError> {
        self.skip_blanks();
        if self.peek() == Some('\\') {
            self.i += 1;
            if self.peek() == Some('\n') {
                self.i += 1;
            }
        }
        let mut text = String::new();
        while let Some(c) = self.bump() {
            match c {
                '\n' => break,
                // GNU sed reads \n and \t in the text as a newline and a tab.
                '\\' => match self.bump() {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(e) => text.push(e),
                    None => break,
                },
                c => text.push(c),
            }
        }
        if text.is_empty() && self.i >= self.chars.len() {
            return self.err("expected \\ after `a', `c' or `i'");
        }
        Ok(text)
    }

    fn translate(&mut self) -> Result<Op, ParseError> {
        let (from, to) = self.two_parts('y')?;
        let unescape = |s: &str| -> Vec<char> {
            let mut out = Vec::new();
            let mut it = s.chars();
            while let Some(c) = it.next() {
                match c {
                    '\\' => match it.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(e) => out.push(e),
                        None => out.push('\\'),
                    },
                    c => out.push(c),
                }
            }
            out
        };
        let (from, to) = (unescape(&from), unescape(&to));
        if from.len() != to.len() {
            return self.err("strings for `y' command are different lengths");
        }
        self.end_of_command()?;
        Ok(Op::Translate(from.into_iter().zip(to).collect()))
    }
}

/// A replacement's pieces: `&`, `\1`..`\9`, `\n` (a newline), `\t`, other escapes as the character.
fn replacement(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut it = text.chars();
    let flush = |lit: &mut String, pieces: &mut Vec<Piece>| {
        if !lit.is_empty() {
            pieces.push(Piece::Text(std::mem::take(lit)));
        }
    };
    while let Some(c) = it.next() {
        match c {
            '&' => {
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Group(0));
            }
            '\\' => match it.next() {
                Some(d @ '0'..='9') => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(Piece::Group(d as usize - '0' as usize));
                }
                Some('n') => lit.push('\n'),
                Some('t') => lit.push('\t'),
                Some(e) => lit.push(e),
                None => lit.push('\\'),
            },
            c => lit.push(c),
        }
    }
    flush(&mut lit, &mut pieces);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse(text, false, &mut 0) {
            Ok(_) => "ok".to_string(),
            Err((at, msg)) => format!("char {at}: {msg}"),
        }
    }

    #[test]
    fn errors_name_the_character_gnu_sed_names() {
        assert_eq!(err("s/a/b"), "char 5: unterminated `s' command");
        assert_eq!(err("k"), "char 1: unknown command: `k'");
        assert_eq!(err("s/\\(a/b/"), "char 8: Unmatched ( or \\(");
        assert_eq!(err("/a/"), "char 3: missing command");
        assert_eq!(err("s/a/b/q"), "char 7: unknown option to `s'");
        assert_eq!(err("s/\\(a\\)/\\2/"), "char 11: invalid reference \\2 on `s' command's RHS");
        assert_eq!(err("p x"), "char 3: extra characters after command");
        assert_eq!(err("{p"), "char 3: unmatched `{'");
        assert_eq!(err("s|a|b|g;2,$d;/x/I!p;$!{p;p};y/ab/cd/;1~2p;0,/a/d"), "ok");
        assert_eq!(err("s/[/]/x/"), "ok");
    }

    #[test]
    fn replacements() {
        assert_eq!(
            replacement("<&>\\1\\n\\&"),
            vec![
                Piece::Text("<".into()),
                Piece::Group(0),
                Piece::Text(">".into()),
                Piece::Group(1),
                Piece::Text("\n&".into())
            ]
        );
    }
}
