//! `diff [-q] FILE1 FILE2` in GNU diff's normal format (`3c3`, `< old`, `---`, `> new`), from a longest common subsequence of lines.
//!
//! ```text
//!   diff etcd.yaml.bak /etc/kubernetes/manifests/etcd.yaml
//!   32c32
//!   <       path: /var/lib/etcd
//!   ---
//!   >       path: /var/lib/etcd-from-backup
//! ```
//!
//! Exit 0 when the files are the same, 1 when they differ, 2 on trouble.

use crate::console::Console;
use crate::output::Output;

/// One file's text split into lines, and whether its last line lacked a newline.
struct Text<'a> {
    lines: Vec<&'a str>,
    no_newline: bool,
}

/// The lines as diff compares them: a last line without its newline
/// differs from the same text with one.
fn keyed<'a>(t: &Text<'a>) -> Vec<(&'a str, bool)> {
    let n = t.lines.len();
    t.lines.iter().enumerate().map(|(k, l)| (*l, t.no_newline && k + 1 == n)).collect()
}

fn split(text: &str) -> Text<'_> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let no_newline = !text.is_empty() && !text.ends_with('\n');
    if !no_newline {
        lines.pop();
    }
    Text { lines, no_newline }
}

/// The largest input diff compares line by line (cells of its table).
const MAX_CELLS: usize = 4_000_000;

pub(super) fn diff(con: &Console, args: &[String]) -> Output {
    let mut brief = false;
    let mut files = Vec::new();
    for a in args {
        match a.as_str() {
            "-q" | "--brief" => brief = true,
            s if s.starts_with('-') && s.len() > 1 => {
                return Output::fail(
                    format!(
                        "diff: invalid option -- '{}'\ndiff: Try 'diff --help' for more information.\n",
                        &s[1..]
                    ),
                    2,
                );
            }
            f => files.push(f),
        }
    }
    let (a, b) = match files.as_slice() {
        [] => {
            return Output::fail(
                "diff: missing operand after 'diff'\ndiff: Try 'diff --help' for more information.\n",
                2,
            );
        }
        [one] => {
            return Output::fail(
                format!(
                    "diff: missing operand after '{one}'\ndiff: Try 'diff --help' for more information.\n"
                ),
                2,
            );
        }
        [a, b] => (*a, *b),
        [_, _, extra, ..] => {
            return Output::fail(
                format!("diff: extra operand '{extra}'\ndiff: Try 'diff --help' for more information.\n"),
                2,
            );
        }
    };
    let read = |f: &str| -> Result<String, Output> {
        if con.vfs.is_dir(f) {
            return Err(Output::fail("diff: directories are not supported in the playground\n", 2));
        }
        con.vfs
            .read(f)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .ok_or_else(|| Output::fail(format!("diff: {f}: No such file or directory\n"), 2))
    };
    let (ta, tb) = match (read(a), read(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if ta == tb {
        return Output::default();
    }
    if brief {
        return Output { stdout: format!("Files {a} and {b} differ\n"), exit: 1, ..Output::default() };
    }
    let (x, y) = (split(&ta), split(&tb));
    if x.lines.len().saturating_mul(y.lines.len()) > MAX_CELLS {
        return Output { stdout: format!("Files {a} and {b} differ\n"), exit: 1, ..Output::default() };
    }
    Output { stdout: normal(&x, &y), exit: 1, ..Output::default() }
}

/// Pairs of equal lines (index in x, index in y) of a longest common subsequence.
fn common<T: PartialEq>(x: &[T], y: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (x.len(), y.len());
    // lcs[i][j]: the LCS length of x[i..] and y[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if x[i] == y[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if x[i] == y[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// `A` or `A,B` for lines a..b (0-based, exclusive end) shown 1-based.
fn range(a: usize, b: usize) -> String {
    if b - a == 1 { format!("{}", a + 1) } else { format!("{},{}", a + 1, b) }
}

/// GNU diff's normal format.
fn normal(x: &Text, y: &Text) -> String {
    let mut out = String::new();
    let mut pairs = common(&keyed(x), &keyed(y));
    pairs.push((x.lines.len(), y.lines.len()));
    let (mut i, mut j) = (0, 0);
    let line = |out: &mut String, mark: &str, t: &Text, k: usize| {
        out.push_str(mark);
        out.push_str(t.lines[k]);
        out.push('\n');
        if t.no_newline && k + 1 == t.lines.len() {
            out.push_str("\\ No newline at end of file\n");
        }
    };
    for (pi, pj) in pairs {
        if pi > i || pj > j {
            match (pi > i, pj > j) {
                (true, true) => out.push_str(&format!("{}c{}\n", range(i, pi), range(j, pj))),
                (true, false) => out.push_str(&format!("{}d{}\n", range(i, pi), j)),
                _ => out.push_str(&format!("{}a{}\n", i, range(j, pj))),
            }
            for k in i..pi {
                line(&mut out, "< ", x, k);
            }
            if pi > i && pj > j {
                out.push_str("---\n");
            }
            for k in j..pj {
                line(&mut out, "> ", y, k);
            }
        }
        i = pi + 1;
        j = pj + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> String {
        normal(&split(a), &split(b))
    }

    #[test]
    fn normal_format() {
        assert_eq!(d("a\nb\nc\n", "a\nB\nc\n"), "2c2\n< b\n---\n> B\n");
        assert_eq!(d("a\nb\nc\n", "a\nc\n"), "2d1\n< b\n");
        assert_eq!(d("a\nc\n", "a\nb\nb2\nc\n"), "1a2,3\n> b\n> b2\n");
        assert_eq!(d("a\n", "a"), "1c1\n< a\n---\n> a\n\\ No newline at end of file\n");
        assert_eq!(d("", "x\n"), "0a1\n> x\n");
    }
}
