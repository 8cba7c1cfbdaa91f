//! grep's patterns: a small regular expression (literals, `.`, `[...]`, `*`, `^`, `$`, and with `-E` `+`, `?`), matched by backtracking.
//!
//! ```text
//!   Regex::new("^etcd-[0-9]", false)?.matches("etcd-1 Running", false)   -> true
//! ```

use super::is_word;

/// One atom of a pattern.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Char(char),
    Any,
    Class { negated: bool, items: Vec<(char, char)> },
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Char(x) => *x == c,
            Atom::Any => true,
            Atom::Class { negated, items } => items.iter().any(|(a, b)| *a <= c && c <= *b) != *negated,
        }
    }
}

/// How often an atom may repeat.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Repeat {
    One,
    Star,
    Plus,
    Optional,
}

/// A small regular expression: literals, `.`, `[...]`, `*` (and `+`, `?`
/// with -E), `^`, `$` — what people type after `grep`.
#[derive(Debug)]
pub(crate) struct Regex {
    start: bool,
    end: bool,
    atoms: Vec<(Atom, Repeat)>,
}

impl Regex {
    /// Parses `p` (with `-E`: `+` and `?` without backslashes); `None` when it is malformed.
    pub(crate) fn new(p: &str, extended: bool) -> Option<Regex> {
        let mut chars: Vec<char> = p.chars().collect();
        let start = chars.first() == Some(&'^');
        if start {
            chars.remove(0);
        }
        let end = chars.last() == Some(&'$') && !(chars.len() >= 2 && chars[chars.len() - 2] == '\\');
        if end {
            chars.pop();
        }
        let mut atoms: Vec<(Atom, Repeat)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            let atom = match c {
                '.' => Atom::Any,
                '\\' => {
                    let e = *chars.get(i)?;
                    i += 1;
                    match e {
                        '+' | '?' if !extended && !atoms.is_empty() => {
                            if let Some(last) = atoms.last_mut() {
                                last.1 = if e == '+' { Repeat::Plus } else { Repeat::Optional };
                            }
                            continue;
                        }
                        'w' => Atom::Class {
                            negated: false,
                            items: vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
                        },
                        's' => Atom::Class { negated: false, items: vec![(' ', ' '), ('\t', '\t')] },
                        'd' => Atom::Class { negated: false, items: vec![('0', '9')] },
                        other => Atom::Char(other),
                    }
                }
                '[' => {
                    let negated = chars.get(i) == Some(&'^');
                    if negated {
                        i += 1;
                    }
                    let mut items = Vec::new();
                    let mut first = true;
                    loop {
                        let c = *chars.get(i)?;
                        i += 1;
                        if c == ']' && !first {
                            break;
                        }
                        first = false;
                        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|n| *n != ']') {
                            let hi = chars[i + 1];
                            i += 2;
                            items.push((c, hi));
                        } else {
                            items.push((c, c));
                        }
                    }
                    Atom::Class { negated, items }
                }
                '*' if !atoms.is_empty() => {
                    if let Some(last) = atoms.last_mut() {
                        last.1 = Repeat::Star;
                    }
                    continue;
                }
                '+' | '?' if extended && !atoms.is_empty() => {
                    if let Some(last) = atoms.last_mut() {
                        last.1 = if c == '+' { Repeat::Plus } else { Repeat::Optional };
                    }
                    continue;
                }
                other => Atom::Char(other),
            };
            atoms.push((atom, Repeat::One));
        }
        Some(Regex { start, end, atoms })
    }

    /// Whether the pattern matches somewhere in `hay` (`word`: as a whole word, grep -w).
    pub(crate) fn matches(&self, hay: &str, word: bool) -> bool {
        let h: Vec<char> = hay.chars().collect();
        let starts: Vec<usize> = if self.start { vec![0] } else { (0..=h.len()).collect() };
        starts.into_iter().any(|s| {
            self.match_from(&h, s, 0)
                .into_iter()
                .any(|e| !word || (s == 0 || !is_word(h[s - 1])) && (e == h.len() || !is_word(h[e])) && e > s)
        })
    }

    /// Every end position reachable matching atoms[k..] from h[i..].
    fn match_from(&self, h: &[char], i: usize, k: usize) -> Vec<usize> {
        let Some((atom, rep)) = self.atoms.get(k) else {
            return if !self.end || i == h.len() { vec![i] } else { Vec::new() };
        };
        let (min, max) = match rep {
            Repeat::One => (1, 1),
            Repeat::Star => (0, usize::MAX),
            Repeat::Plus => (1, usize::MAX),
            Repeat::Optional => (0, 1),
        };
        let mut n = 0;
        while n < max && i + n < h.len() && atom.matches(h[i + n]) {
            n += 1;
        }
        let mut out = Vec::new();
        for take in (min..=n).rev() {
            out.extend(self.match_from(h, i + take, k + 1));
            if !out.is_empty() && !self.end {
                break;
            }
        }
        out
    }
}
