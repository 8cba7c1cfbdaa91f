//! The text filters a pipe may end in: `grep`, `head`, `tail`, `wc`, `sort`,
//! `uniq`, `base64`, `cut` and `cat` — enough for the guides'
//! `kubectl get pods -n kube-system | grep etcd` and for looking at values.
//! Anything else after a `|` is refused as not supported in the playground.
//!
//! ```text
//!   etcdctl get / --prefix --keys-only | grep -v '^$' | wc -l
//!   etcdctl get /registry/secrets/default/db --print-value-only | head -c 40
//! ```
//!
//! Each filter is a pure function of its arguments, its input and the files
//! it names (read through a [`Reader`]); errors use the GNU tools' words and
//! exit codes (2 for grep's usage, 1 otherwise).

use super::regex::Pattern;
use crate::output::Output;

/// The filters a pipe may run, for `help` and error messages.
pub const FILTERS: [&str; 9] = ["grep", "head", "tail", "wc", "sort", "uniq", "base64", "cut", "cat"];

/// Whether `name` is a filter.
pub fn is_filter(name: &str) -> bool {
    FILTERS.contains(&name)
}

/// Reads a file a filter names: its text, or why not (`No such file or directory`).
pub type Reader<'a> = &'a dyn Fn(&str) -> Result<String, &'static str>;

/// A reader for filters that only read their input.
pub fn no_files(_: &str) -> Result<String, &'static str> {
    Err("No such file or directory")
}

/// Runs filter `words[0]` with its arguments over `input`, or over the files it names.
pub fn run(words: &[String], input: &str, read: Reader) -> Output {
    let Some((name, args)) = words.split_first() else { return Output::ok(input) };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match name.as_str() {
        "grep" => grep(&args, input, read),
        "head" => head_tail(&args, input, true, read),
        "tail" => head_tail(&args, input, false, read),
        "wc" => wc(&args, input, read),
        "sort" | "uniq" | "base64" | "cut" => {
            let (args, files) = operands(name, &args);
            let mut errors = Output::default();
            let text =
                if files.is_empty() { input.to_string() } else { concat(name, &files, read, &mut errors) };
            let mut out = match name.as_str() {
                "sort" => sort(&args, &text),
                "uniq" => uniq(&args, &text),
                "base64" => base64(&args, &text),
                _ => cut(&args, &text),
            };
            if errors.exit != 0 {
                errors.append(out);
                out = errors;
                out.exit = out.exit.max(1);
            }
            out
        }
        "cat" if args.is_empty() || args == ["-"] => Output::ok(input),
        other => Output::fail(format!("playground: {other}: not supported in a pipe\n"), 2),
    }
}

/// Splits the file operands of `sort`, `uniq`, `base64` and `cut` from their options.
fn operands<'a>(tool: &str, args: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut opts = Vec::new();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a.starts_with('-') && a.len() > 1 {
            opts.push(*a);
            // cut's -d and -f take a value in the next word.
            if tool == "cut"
                && matches!(*a, "-d" | "-f" | "-c")
                && let Some(v) = it.next()
            {
                opts.push(*v);
            }
        } else {
            files.push(*a);
        }
    }
    (opts, files)
}

/// The files' texts one after another; a file that cannot be read is `tool`'s error on `errors`.
fn concat(tool: &str, files: &[&str], read: Reader, errors: &mut Output) -> String {
    let mut text = String::new();
    for f in files {
        match read(f) {
            Ok(t) => text.push_str(&t),
            Err(why) => {
                errors.eprintln(format!("{tool}: {f}: {why}"));
                errors.exit = if tool == "sort" { 2 } else { 1 };
            }
        }
    }
    text
}

fn lines(input: &str) -> Vec<&str> {
    let mut v: Vec<&str> = input.split('\n').collect();
    if v.last() == Some(&"") {
        v.pop();
    }
    v
}

fn joined(lines: &[&str]) -> String {
    let mut s = lines.join("\n");
    if !lines.is_empty() {
        s.push('\n');
    }
    s
}

// ---- grep -----------------------------------------------------------------

#[derive(Default)]
struct GrepFlags {
    invert: bool,
    ignore_case: bool,
    count: bool,
    number: bool,
    word: bool,
    fixed: bool,
    extended: bool,
    quiet: bool,
    /// Lines of context after (`-A`) and before (`-B`) each match.
    after: usize,
    before: usize,
}

/// The value of a context option (`-A 3`, `-A3`): lines, or grep's error.
fn context_lines(value: Option<&str>) -> Result<usize, Output> {
    match value {
        None => Err(grep_usage("option requires an argument -- 'A'")),
        Some(v) => {
            v.parse().map_err(|_| Output::fail(format!("grep: {v}: invalid context length argument\n"), 2))
        }
    }
}

fn grep(args: &[&str], input: &str, read: Reader) -> Output {
    let mut f = GrepFlags::default();
    let mut patterns: Vec<String> = Vec::new();
    let mut files: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match *a {
            "-e" => match rest.next() {
                Some(p) => patterns.push(p.to_string()),
                None => return grep_usage("option requires an argument -- 'e'"),
            },
            s if matches!(s.get(..2), Some("-A" | "-B" | "-C")) => {
                let value = if s.len() > 2 { Some(&s[2..]) } else { rest.next().copied() };
                let n = match context_lines(value) {
                    Ok(n) => n,
                    Err(out) => return out,
                };
                match &s[..2] {
                    "-A" => f.after = n,
                    "-B" => f.before = n,
                    _ => (f.after, f.before) = (n, n),
                }
            }
            "--" => {
                for p in rest.by_ref() {
                    if patterns.is_empty() {
                        patterns.push(p.to_string());
                    } else {
                        files.push(p);
                    }
                }
            }
            s if s.starts_with("--") => match s {
                "--invert-match" => f.invert = true,
                "--ignore-case" => f.ignore_case = true,
                "--count" => f.count = true,
                "--line-number" => f.number = true,
                "--word-regexp" => f.word = true,
                "--fixed-strings" => f.fixed = true,
                "--extended-regexp" => f.extended = true,
                "--quiet" | "--silent" => f.quiet = true,
                _ => return grep_usage(&format!("unrecognized option '{s}'")),
            },
            s if s.starts_with('-') && s.len() > 1 => {
                for c in s[1..].chars() {
                    match c {
                        'v' => f.invert = true,
                        'i' => f.ignore_case = true,
                        'c' => f.count = true,
                        'n' => f.number = true,
                        'w' => f.word = true,
                        'F' => f.fixed = true,
                        'E' => f.extended = true,
                        'q' => f.quiet = true,
                        _ => return grep_usage(&format!("invalid option -- '{c}'")),
                    }
                }
            }
            p if patterns.is_empty() => patterns.push(p.to_string()),
            file => files.push(file),
        }
    }
    if patterns.is_empty() {
        return grep_usage("");
    }
    let mut compiled = Vec::new();
    for p in &patterns {
        if f.fixed {
            compiled.push(Pattern::literal(p, f.ignore_case));
            continue;
        }
        match Pattern::new(p, f.extended, f.ignore_case) {
            Ok(c) => compiled.push(c),
            Err(e) => return Output::fail(format!("grep: {e}\n"), 2),
        }
    }
    let mut result = Output::default();
    let mut any = false;
    let mut trouble = false;
    let sources: Vec<(Option<&str>, Result<String, &str>)> = if files.is_empty() {
        vec![(None, Ok(input.to_string()))]
    } else {
        files.iter().map(|f| (Some(*f), read(f))).collect()
    };
    let named = sources.len() > 1;
    let mut groups_shown = false;
    for (name, text) in sources {
        let text = match text {
            Ok(t) => t,
            Err(why) => {
                result.eprintln(format!("grep: {}: {why}", name.unwrap_or("-")));
                trouble = true;
                continue;
            }
        };
        let name = if named { name.or(Some("-")) } else { None };
        let (out, matched) = grep_text(&f, &compiled, &text, name, &mut groups_shown);
        any |= matched > 0;
        if !f.quiet {
            result.print(out);
        }
        if any && f.quiet {
            break;
        }
    }
    result.exit = if trouble && !(f.quiet && any) {
        2
    } else if any {
        0
    } else {
        1
    };
    result
}

/// grep over one text: what it prints and how many lines matched. A
/// matching line reads `name:N:line`, a context line `name-N-line` (name
/// with several files, N with `-n`); `--` separates groups of context,
/// across files too (`groups_shown`).
fn grep_text(
    f: &GrepFlags,
    compiled: &[Pattern],
    text: &str,
    name: Option<&str>,
    groups_shown: &mut bool,
) -> (String, usize) {
    let all = lines(text);
    let hits: Vec<bool> = all
        .iter()
        .map(|line| {
            compiled.iter().any(|p| if f.word { p.matches_word(line) } else { p.is_match(line) }) != f.invert
        })
        .collect();
    let matched = hits.iter().filter(|h| **h).count();
    if f.count {
        let prefix = name.map(|n| format!("{n}:")).unwrap_or_default();
        return (format!("{prefix}{matched}\n"), matched);
    }
    if f.quiet {
        return (String::new(), matched);
    }
    // Which lines show: the matches and their context.
    let mut shown = vec![false; all.len()];
    for (i, _) in hits.iter().enumerate().filter(|(_, h)| **h) {
        for s in shown.iter_mut().take((i + f.after + 1).min(all.len())).skip(i.saturating_sub(f.before)) {
            *s = true;
        }
    }
    let context = f.after > 0 || f.before > 0;
    let mut out = String::new();
    let mut last: Option<usize> = None;
    for (i, line) in all.iter().enumerate().filter(|(i, _)| shown[*i]) {
        if context && *groups_shown && last.is_none_or(|l| l + 1 < i) {
            out.push_str("--\n");
        }
        *groups_shown = true;
        last = Some(i);
        let mark = if hits[i] { ':' } else { '-' };
        if let Some(n) = name {
            out.push_str(n);
            out.push(mark);
        }
        if f.number {
            out.push_str(&format!("{}{mark}", i + 1));
        }
        out.push_str(line);
        out.push('\n');
    }
    (out, matched)
}

fn grep_usage(msg: &str) -> Output {
    let mut s = String::new();
    if !msg.is_empty() {
        s.push_str(&format!("grep: {msg}\n"));
    }
    s.push_str("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    Output::fail(s, 2)
}

// ---- head, tail, wc, sort, uniq, cut, base64 --------------------------------

fn count_arg<'a>(args: &[&'a str], tool: &str) -> Result<(usize, bool, Vec<&'a str>), Output> {
    // (n, bytes, files): -n N, -N, -nN, -c N.
    let mut n = 10usize;
    let mut bytes = false;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match *a {
            "-n" | "-c" => (*a, None),
            s if s.starts_with("-n") || s.starts_with("-c") => (&s[..2], Some(&s[2..])),
            s if s.starts_with('-') && s[1..].chars().all(|c| c.is_ascii_digit()) && s.len() > 1 => {
                ("-n", Some(&s[1..]))
            }
            s => {
                files.push(s);
                continue;
            }
        };
        bytes = flag == "-c";
        let v = match inline {
            Some(v) => v,
            None => match it.next() {
                Some(v) => v,
                None => {
                    return Err(Output::fail(
                        format!("{tool}: option requires an argument -- '{}'\n", &flag[1..]),
                        1,
                    ));
                }
            },
        };
        n = match v.trim_start_matches('+').parse() {
            Ok(n) => n,
            Err(_) => {
                let what = if bytes { "bytes" } else { "lines" };
                return Err(Output::fail(format!("{tool}: invalid number of {what}: '{v}'\n"), 1));
            }
        };
    }
    Ok((n, bytes, files))
}

fn head_tail(args: &[&str], input: &str, head: bool, read: Reader) -> Output {
    let tool = if head { "head" } else { "tail" };
    let (n, bytes, files) = match count_arg(args, tool) {
        Ok(v) => v,
        Err(e) => return e,
    };
    if files.is_empty() {
        return head_tail_text(input, n, bytes, head);
    }
    let mut out = Output::default();
    let mut shown = 0;
    let mut failed = 0;
    for f in &files {
        match read(f) {
            Ok(text) => {
                if files.len() > 1 {
                    out.print(format!("{}==> {f} <==\n", if shown > 0 { "\n" } else { "" }));
                }
                shown += 1;
                out.append(head_tail_text(&text, n, bytes, head));
            }
            Err("Is a directory") => {
                if files.len() > 1 {
                    out.print(format!("{}==> {f} <==\n", if shown > 0 { "\n" } else { "" }));
                }
                shown += 1;
                out.eprintln(format!("{tool}: error reading '{f}': Is a directory"));
                failed = 1;
            }
            Err(why) => {
                out.eprintln(format!("{tool}: cannot open '{f}' for reading: {why}"));
                failed = 1;
            }
        }
    }
    out.exit = failed;
    out
}

fn head_tail_text(input: &str, n: usize, bytes: bool, head: bool) -> Output {
    if bytes {
        let b = input.as_bytes();
        let slice = if head { &b[..n.min(b.len())] } else { &b[b.len().saturating_sub(n)..] };
        return Output::ok(String::from_utf8_lossy(slice).into_owned());
    }
    let ls = lines(input);
    let picked = if head { &ls[..n.min(ls.len())] } else { &ls[ls.len().saturating_sub(n)..] };
    Output::ok(joined(picked))
}

fn wc(args: &[&str], input: &str, read: Reader) -> Output {
    let mut columns: Vec<usize> = Vec::new();
    let mut files: Vec<&str> = Vec::new();
    for a in args {
        match *a {
            "-l" | "--lines" => columns.push(0),
            "-w" | "--words" => columns.push(1),
            "-c" | "--bytes" | "-m" | "--chars" => columns.push(2),
            s if s.starts_with('-') && s.len() > 1 => {
                return Output::fail(
                    format!("wc: invalid option -- '{}'\nTry 'wc --help' for more information.\n", &s[1..]),
                    1,
                );
            }
            f => files.push(f),
        }
    }
    if columns.is_empty() {
        columns = vec![0, 1, 2];
    }
    slim::sort(&mut columns);
    columns.dedup();
    let counts = |t: &str| [t.matches('\n').count(), t.split_whitespace().count(), t.len()];
    if files.is_empty() {
        let c = counts(input);
        if columns.len() == 1 {
            return Output::ok(format!("{}\n", c[columns[0]]));
        }
        let cells: Vec<String> = columns.iter().map(|&k| format!("{:>7}", c[k])).collect();
        return Output::ok(format!("{}\n", cells.join(" ")));
    }
    // GNU's width: the digits of the total size of the files read, unless
    // one number of one file is all there is to print.
    let mut rows: Vec<([usize; 3], String)> = Vec::new();
    let mut out = Output::default();
    let mut total = [0usize; 3];
    for f in &files {
        match read(f) {
            Ok(t) => {
                let c = counts(&t);
                for k in 0..3 {
                    total[k] += c[k];
                }
                rows.push((c, f.to_string()));
            }
            Err(why) => {
                out.eprintln(format!("wc: {f}: {why}"));
                out.exit = 1;
            }
        }
    }
    if files.len() > 1 {
        rows.push((total, "total".to_string()));
    }
    let width = if columns.len() == 1 && files.len() == 1 { 1 } else { total[2].to_string().len() };
    for (c, name) in rows {
        let cells: Vec<String> = columns.iter().map(|&k| format!("{:>width$}", c[k])).collect();
        out.println(format!("{} {name}", cells.join(" ")));
    }
    out
}

fn sort(args: &[&str], input: &str) -> Output {
    let (mut reverse, mut numeric, mut unique) = (false, false, false);
    for a in args {
        match *a {
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => {
                for c in s[1..].chars() {
                    match c {
                        'r' => reverse = true,
                        'n' => numeric = true,
                        'u' => unique = true,
                        _ => return Output::fail(format!("sort: invalid option -- '{c}'\n"), 2),
                    }
                }
            }
            s => return Output::fail(format!("sort: invalid option -- '{s}'\n"), 2),
        }
    }
    let mut ls = lines(input);
    if numeric {
        let num = |s: &str| -> f64 {
            let t = s.trim_start();
            let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(t.len());
            t[..end].parse().unwrap_or(0.0)
        };
        slim::sort_by(&mut ls, |a, b| num(a).total_cmp(&num(b)).then_with(|| a.cmp(b)));
    } else {
        slim::sort(&mut ls);
    }
    if unique {
        ls.dedup();
    }
    if reverse {
        ls.reverse();
    }
    Output::ok(joined(&ls))
}

fn uniq(args: &[&str], input: &str) -> Output {
    let count = match args {
        [] => false,
        ["-c"] => true,
        [s, ..] => return Output::fail(format!("uniq: {s}: not supported in a pipe\n"), 1),
    };
    let mut groups: Vec<(usize, &str)> = Vec::new();
    for l in lines(input) {
        match groups.last_mut() {
            Some((n, last)) if *last == l => *n += 1,
            _ => groups.push((1, l)),
        }
    }
    let mut out = String::new();
    for (n, l) in groups {
        if count {
            out.push_str(&format!("{n:>7} {l}\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    Output::ok(out)
}

fn cut(args: &[&str], input: &str) -> Output {
    let mut delim = '\t';
    let mut fields: Option<Vec<(usize, usize)>> = None;
    let mut chars_mode = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = if a.len() > 2 && a.starts_with('-') && a.is_char_boundary(2) {
            (&a[..2], Some(&a[2..]))
        } else {
            (*a, None)
        };
        let value = match inline {
            Some(v) => v,
            None => match it.next() {
                Some(v) => v,
                None => {
                    return Output::fail(
                        format!("cut: option requires an argument -- '{}'\n", flag.trim_start_matches('-')),
                        1,
                    );
                }
            },
        };
        match flag {
            "-d" => match value.chars().next() {
                Some(c) if value.chars().count() == 1 => delim = c,
                _ => return Output::fail("cut: the delimiter must be a single character\n", 1),
            },
            "-f" | "-c" => {
                chars_mode = flag == "-c";
                let mut ranges = Vec::new();
                for part in value.split(',') {
                    let (lo, hi) = match part.split_once('-') {
                        Some((a, b)) => (a.parse().unwrap_or(1), b.parse().unwrap_or(usize::MAX)),
                        None => match part.parse::<usize>() {
                            Ok(n) => (n, n),
                            Err(_) => return Output::fail(format!("cut: invalid field value '{part}'\n"), 1),
                        },
                    };
                    if lo == 0 {
                        return Output::fail("cut: fields and positions are numbered from 1\n", 1);
                    }
                    ranges.push((lo, hi));
                }
                fields = Some(ranges);
            }
            s => return Output::fail(format!("cut: {s}: not supported in a pipe\n"), 1),
        }
    }
    let Some(ranges) = fields else {
        return Output::fail("cut: you must specify a list of bytes, characters, or fields\n", 1);
    };
    let keep = |i: usize| ranges.iter().any(|(lo, hi)| *lo <= i && i <= *hi);
    let mut out = String::new();
    for l in lines(input) {
        if chars_mode {
            out.extend(l.chars().enumerate().filter(|(i, _)| keep(i + 1)).map(|(_, c)| c));
        } else if !l.contains(delim) {
            out.push_str(l);
        } else {
            let parts: Vec<&str> =
                l.split(delim).enumerate().filter(|(i, _)| keep(i + 1)).map(|(_, p)| p).collect();
            out.push_str(&parts.join(&delim.to_string()));
        }
        out.push('\n');
    }
    Output::ok(out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(args: &[&str], input: &str) -> Output {
    match args {
        [] | ["-w0"] | ["-w", "0"] => {
            let b = input.as_bytes();
            let mut s = String::new();
            for chunk in b.chunks(3) {
                let n =
                    chunk.iter().enumerate().fold(0u32, |acc, (i, x)| acc | (u32::from(*x) << (16 - 8 * i)));
                for i in 0..4 {
                    if i <= chunk.len() {
                        s.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
                    } else {
                        s.push('=');
                    }
                }
            }
            if args.is_empty() {
                let wrapped: Vec<String> =
                    s.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
                s = wrapped.join("\n");
            }
            Output::ok(format!("{s}\n"))
        }
        ["-d"] | ["--decode"] => {
            let mut bits = 0u32;
            let mut nbits = 0;
            let mut out = Vec::new();
            for c in input.chars().filter(|c| !c.is_whitespace()) {
                if c == '=' {
                    break;
                }
                let Some(v) = B64.iter().position(|b| *b as char == c) else {
                    let mut o = Output::fail("base64: invalid input\n", 1);
                    o.stdout = String::from_utf8_lossy(&out).into_owned();
                    return o;
                };
                bits = bits << 6 | v as u32;
                nbits += 6;
                if nbits >= 8 {
                    nbits -= 8;
                    out.push((bits >> nbits & 0xff) as u8);
                }
            }
            Output::ok(String::from_utf8_lossy(&out).into_owned())
        }
        [s, ..] => Output::fail(format!("base64: {s}: not supported in a pipe\n"), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(cmd: &str, input: &str) -> (String, i32) {
        let words: Vec<String> = cmd.split(' ').map(str::to_string).collect();
        let o = run(&words, input, &no_files);
        (if o.exit == 0 || o.stderr.is_empty() { o.stdout } else { o.stderr }, o.exit)
    }

    const PODS: &str = "NAME                READY   STATUS\netcd-controlplane   1/1     Running\nkube-apiserver-controlplane   1/1     Running\n";

    #[test]
    fn grep_finds_lines_and_sets_the_exit_status() {
        assert_eq!(f("grep etcd", PODS), ("etcd-controlplane   1/1     Running\n".into(), 0));
        assert_eq!(f("grep nothing", PODS), (String::new(), 1));
        assert_eq!(f("grep -c Running", PODS), ("2\n".into(), 0));
        assert_eq!(f("grep -v Running", PODS).0, "NAME                READY   STATUS\n");
        assert_eq!(f("grep -i ETCD", PODS).0, "etcd-controlplane   1/1     Running\n");
        assert_eq!(f("grep -n kube", PODS).0, "3:kube-apiserver-controlplane   1/1     Running\n");
        assert_eq!(f("grep -E etcd|apiserver", PODS).0.lines().count(), 2);
        assert_eq!(f("grep ^kube", PODS).0.lines().count(), 1);
        assert_eq!(f("grep ing$", PODS).0.lines().count(), 2);
        assert_eq!(f("grep e.cd-c", PODS).0.lines().count(), 1);
        assert_eq!(f("grep [0-9]/[0-9]", PODS).0.lines().count(), 2);
        assert_eq!(f("grep -w etcd", "etcd-1\netcdctl\n").0, "etcd-1\n");
        assert_eq!(f("grep", PODS).1, 2);
        assert_eq!(f("grep -Z x", PODS).1, 2);
    }

    #[test]
    fn head_tail_wc_sort_uniq_cut() {
        let s = "c\na\nb\na\n";
        assert_eq!(f("head -n 2", s).0, "c\na\n");
        assert_eq!(f("head -1", s).0, "c\n");
        assert_eq!(f("tail -n 1", s).0, "a\n");
        assert_eq!(f("head -c 3", s).0, "c\na");
        assert_eq!(f("wc -l", s).0, "4\n");
        assert_eq!(f("sort", s).0, "a\na\nb\nc\n");
        assert_eq!(f("sort -ru", s).0, "c\nb\na\n");
        assert_eq!(f("sort -n", "10\n9\n").0, "9\n10\n");
        assert_eq!(f("uniq -c", "a\na\nb\n").0, "      2 a\n      1 b\n");
        assert_eq!(f("cut -d / -f 3", "/registry/pods/x\n").0, "pods\n");
        assert_eq!(f("cut -c 1-3", "abcdef\n").0, "abc\n");
        assert_eq!(f("head -n x", s).1, 1);
    }

    #[test]
    fn base64_roundtrips() {
        assert_eq!(f("base64", "admin").0, "YWRtaW4=\n");
        assert_eq!(f("base64 -d", "YWRtaW4=\n").0, "admin");
        assert_eq!(f("base64 -d", "!!").1, 1);
    }

    #[test]
    fn unknown_filters_are_refused() {
        assert_eq!(f("jq .", "{}").1, 2);
        assert!(!is_filter("awk"));
    }

    #[test]
    fn arbitrary_arguments_and_input_never_panic() {
        // A small deterministic generator (xorshift): words from a pool of
        // awkward pieces, input from arbitrary characters.
        let pool = [
            "grep",
            "head",
            "tail",
            "wc",
            "sort",
            "uniq",
            "base64",
            "cut",
            "cat",
            "-n",
            "-c",
            "-d",
            "-f",
            "-e",
            "-",
            "--",
            "[",
            "]",
            "^",
            "$",
            "*",
            "\\",
            "0",
            "-1",
            "99999999999999999999",
            "a",
            "é",
            "/",
            ",",
            "-w0",
        ];
        let mut x: u64 = 0x9e3779b97f4a7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..5000 {
            let n = (next() % 5) as usize;
            let words: Vec<String> =
                (0..n).map(|_| pool[(next() % pool.len() as u64) as usize].to_string()).collect();
            let input: String =
                (0..(next() % 40)).map(|_| char::from_u32((next() % 0x300) as u32).unwrap_or('x')).collect();
            let _ = run(&words, &input, &no_files);
        }
    }

    #[test]
    fn patterns_never_panic() {
        for p in ["[", "\\", "*", "a**", "[]", "[^", "$", "^", "a\\", "[z-a]", "+", "?", "-"] {
            let _ = f(&format!("grep {p}"), PODS);
            let _ = f(&format!("grep -E {p}"), PODS);
        }
    }
}
