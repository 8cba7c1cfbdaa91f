//! `sed`, as GNU sed 4.9 behaves: options (`-n`, `-e`, `-i[SUFFIX]`, `-E`/`-r`, `-s`), the cycle over input lines, and in-place edits of the virtual filesystem.
//!
//! ```text
//!   sed -i 's|/var/lib/etcd|/var/lib/etcd-from-backup|' /etc/kubernetes/manifests/etcd.yaml
//!   etcdctl member list | sed -n '2p'
//!   sed -e '/^#/d' -e 's/  */ /g' notes.txt
//! ```
//!
//! Each line goes through the script: a command runs when its addresses
//! select the line, the pattern space is printed at the end of the cycle
//! unless `-n` or `d` said otherwise, `a` text follows it. Without `-i`
//! or `-s` the files are one stream (`$` is the last line of the last
//! file); with them each file is its own. The script language is in
//! `sed/script.rs`, the regular expressions in `regex.rs`.

mod script;

use script::{Addr, Cmd, Op, Piece, Subst};

use crate::console::Console;
use crate::output::Output;
use crate::shell::regex::Pattern;

const USAGE: &str = "\
Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
";

/// GNU sed's exit codes.
mod code {
    /// Bad usage or a script that does not parse.
    pub const USAGE: i32 = 1;
    /// An input file could not be read.
    pub const INPUT: i32 = 2;
    /// An I/O error during processing (`-i` without files).
    pub const PANIC: i32 = 4;
}

/// The command line, parsed.
#[derive(Default)]
struct Options {
    quiet: bool,
    in_place: Option<String>,
    extended: bool,
    separate: bool,
    scripts: Vec<String>,
    files: Vec<String>,
}

fn usage_error(msg: &str) -> Output {
    Output::fail(format!("sed: {msg}\n{USAGE}"), code::USAGE)
}

fn options(args: &[String]) -> Result<Options, Output> {
    let mut o = Options::default();
    let mut positional: Vec<String> = Vec::new();
    let mut it = args.iter();
    let mut only_files = false;
    while let Some(a) = it.next() {
        if only_files || a == "-" || !a.starts_with('-') {
            positional.push(a.clone());
            continue;
        }
        if a == "--" {
            only_files = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "quiet" | "silent" => o.quiet = true,
                "regexp-extended" => o.extended = true,
                "separate" => o.separate = true,
                "in-place" => o.in_place = Some(value.unwrap_or_default()),
                "expression" => match value.or_else(|| it.next().cloned()) {
                    Some(v) => o.scripts.push(v),
                    None => return Err(usage_error("option '--expression' requires an argument")),
                },
                "help" => return Err(Output::ok(USAGE)),
                "version" => return Err(Output::ok("sed (GNU sed) 4.9\n")),
                _ => return Err(usage_error(&format!("unrecognized option '{a}'"))),
            }
            continue;
        }
        let flags: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < flags.len() {
            match flags[k] {
                'n' => o.quiet = true,
                'E' | 'r' => o.extended = true,
                's' => o.separate = true,
                'i' => {
                    o.in_place = Some(flags[k + 1..].iter().collect());
                    break;
                }
                'e' => {
                    let rest: String = flags[k + 1..].iter().collect();
                    if !rest.is_empty() {
                        o.scripts.push(rest);
                    } else {
                        match it.next() {
                            Some(v) => o.scripts.push(v.clone()),
                            None => return Err(usage_error("option requires an argument -- 'e'")),
                        }
                    }
                    break;
                }
                c => return Err(usage_error(&format!("invalid option -- '{c}'"))),
            }
            k += 1;
        }
    }
    if o.scripts.is_empty() {
        if positional.is_empty() {
            return Err(Output::fail(USAGE, code::USAGE));
        }
        o.scripts.push(positional.remove(0));
    }
    o.files = positional;
    Ok(o)
}

/// Runs `sed ARGS` with standard input `stdin`.
pub(crate) fn run(con: &mut Console, args: &[String], stdin: Option<&str>) -> Output {
    let o = match options(args) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut cmds = Vec::new();
    let mut ids = 0;
    for (n, text) in o.scripts.iter().enumerate() {
        match script::parse(text, o.extended, &mut ids) {
            Ok(c) => cmds.extend(c),
            Err((at, msg)) => {
                return Output::fail(
                    format!("sed: -e expression #{}, char {at}: {msg}\n", n + 1),
                    code::USAGE,
                );
            }
        }
    }
    let mut out = Output::default();
    if o.in_place.is_some() {
        if o.files.is_empty() {
            return Output::fail("sed: no input files\n", code::PANIC);
        }
        let mut exit = 0;
        for f in &o.files {
            let Some(text) = read_input(con, f, &mut out, true) else {
                exit = exit.max(if con.vfs.is_dir(f) { code::PANIC } else { code::INPUT });
                continue;
            };
            let mut sed = Sed::new(&cmds, ids, o.quiet);
            sed.run(&[text]);
            if let Some(suffix) = o.in_place.as_deref().filter(|s| !s.is_empty())
                && let Some(old) = con.vfs.read(f).map(<[u8]>::to_vec)
            {
                con.vfs.write(&backup_name(f, suffix), old);
            }
            con.vfs.write(f, sed.out.into_bytes());
            if let Some(code) = sed.quit {
                out.exit = code;
                return out;
            }
        }
        out.exit = exit;
        return out;
    }
    let mut inputs = Vec::new();
    let mut exit = 0;
    if o.files.is_empty() {
        inputs.push(stdin.unwrap_or("").to_string());
    }
    for f in &o.files {
        if f == "-" {
            inputs.push(stdin.unwrap_or("").to_string());
            continue;
        }
        match read_input(con, f, &mut out, false) {
            Some(text) => inputs.push(text),
            None => exit = code::INPUT,
        }
    }
    let mut sed = Sed::new(&cmds, ids, o.quiet);
    if o.separate {
        for input in &inputs {
            sed.run(std::slice::from_ref(input));
            if sed.quit.is_some() {
                break;
            }
        }
    } else {
        sed.run(&inputs);
    }
    // What sed printed comes before a later file's error only in a real
    // terminal's timing; the errors of missing files are reported as they
    // are met, before any output (sed reads ahead to know the last line).
    out.print(std::mem::take(&mut sed.out));
    out.exit = sed.quit.unwrap_or(exit);
    out
}

/// `-i.bak`'s backup name (`*` in the suffix stands for the file name).
fn backup_name(file: &str, suffix: &str) -> String {
    if suffix.contains('*') {
        let (dir, name) = match file.rfind('/') {
            Some(i) => (&file[..=i], &file[i + 1..]),
            None => ("", file),
        };
        let named = suffix.replace('*', name);
        if named.contains('/') { named } else { format!("{dir}{named}") }
    } else {
        format!("{file}{suffix}")
    }
}

/// A file's text, or its error on `out`.
fn read_input(con: &Console, f: &str, out: &mut Output, in_place: bool) -> Option<String> {
    if con.vfs.is_dir(f) {
        if in_place {
            out.eprintln(format!("sed: couldn't edit {f}: not a regular file"));
        } else {
            out.eprintln(format!("sed: read error on {f}: Is a directory"));
        }
        return None;
    }
    match con.vfs.read(f) {
        Some(b) => Some(String::from_utf8_lossy(b).into_owned()),
        None => {
            out.eprintln(format!("sed: can't read {f}: No such file or directory"));
            None
        }
    }
}

/// One run of a script over a stream of lines.
struct Sed<'a> {
    cmds: &'a [Cmd],
    quiet: bool,
    /// Per command: the range it is inside, and until where.
    ranges: Vec<Option<RangeEnd>>,
    /// The last pattern used (`//`).
    last_re: Option<Pattern>,
    hold: String,
    out: String,
    /// The last text written lacked its newline (the input's last line
    /// had none): anything written after it starts with one.
    missing_newline: bool,
    /// `q`/`Q` ran: the exit code.
    quit: Option<i32>,
}

/// Where an active range stops.
#[derive(Clone, Copy)]
enum RangeEnd {
    /// At this line number (or at once if already past it).
    Line(usize),
    /// At the first line the command's second pattern matches.
    Pattern,
}

/// The state of one cycle.
struct Cycle<'t, 'l> {
    /// Every input line, and whether it ended in a newline.
    lines: &'l [(&'l str, bool)],
    /// The last line read into the pattern space (`n` and `N` read on).
    idx: usize,
    line_no: usize,
    last: bool,
    ps: String,
    deleted: bool,
    appended: Vec<&'t str>,
}

impl<'l> Cycle<'_, 'l> {
    /// Reads the next line (`n`, `N`): its text, or `None` at the end of the input.
    fn next_line(&mut self) -> Option<&'l str> {
        let (line, _) = self.lines.get(self.idx + 1)?;
        self.idx += 1;
        self.line_no += 1;
        self.last = self.idx + 1 == self.lines.len();
        Some(line)
    }

    /// Whether the line last read ended in a newline (only the input's own
    /// last line may lack one).
    fn newline(&self) -> bool {
        self.lines.get(self.idx).is_none_or(|(_, nl)| *nl) || !self.last
    }
}

impl<'a> Sed<'a> {
    fn new(cmds: &'a [Cmd], ids: usize, quiet: bool) -> Sed<'a> {
        Sed {
            cmds,
            quiet,
            ranges: vec![None; ids],
            last_re: None,
            hold: String::new(),
            out: String::new(),
            missing_newline: false,
            quit: None,
        }
    }

    fn write(&mut self, text: &str, newline: bool) {
        if self.missing_newline {
            self.out.push('\n');
        }
        self.out.push_str(text);
        if newline {
            self.out.push('\n');
        }
        self.missing_newline = !newline;
    }

    /// Runs the script over `inputs` as one stream.
    fn run(&mut self, inputs: &[String]) {
        let mut lines: Vec<(&str, bool)> = Vec::new();
        for text in inputs {
            let mut rest = text.as_str();
            while !rest.is_empty() {
                match rest.split_once('\n') {
                    Some((l, r)) => {
                        lines.push((l, true));
                        rest = r;
                    }
                    None => {
                        lines.push((rest, false));
                        rest = "";
                    }
                }
            }
        }
        let cmds = self.cmds;
        let count = lines.len();
        let mut idx = 0;
        while idx < count {
            let mut c = Cycle {
                lines: &lines,
                idx,
                line_no: idx + 1,
                last: idx + 1 == count,
                ps: lines[idx].0.to_string(),
                deleted: false,
                appended: Vec::new(),
            };
            let stop = self.exec(cmds, &mut c);
            if !self.quiet && !c.deleted && stop != Some(false) {
                self.write(&c.ps, c.newline());
            }
            self.flush_appended(&mut c);
            if stop.is_some() {
                return;
            }
            idx = c.idx + 1;
        }
    }

    /// Prints the `a` texts queued for this cycle.
    fn flush_appended(&mut self, c: &mut Cycle<'_, '_>) {
        for a in std::mem::take(&mut c.appended) {
            self.write(a, true);
        }
    }

    /// Runs `cmds` on the cycle. `Some(print)` when a `q` (print: true) or
    /// `Q` ended the run.
    fn exec<'t>(&mut self, cmds: &'t [Cmd], c: &mut Cycle<'t, '_>) -> Option<bool> {
        for cmd in cmds {
            if c.deleted {
                return None;
            }
            if self.selects(cmd, c) == cmd.negate {
                continue;
            }
            match &cmd.op {
                Op::Subst(s) => {
                    if self.substitute(s, c) && s.print {
                        let ps = c.ps.clone();
                        self.write(&ps, true);
                    }
                }
                Op::Print => {
                    let ps = c.ps.clone();
                    self.write(&ps, true);
                }
                Op::Delete => c.deleted = true,
                Op::Next { append } => {
                    if !append && !self.quiet {
                        let ps = c.ps.clone();
                        self.write(&ps, c.newline());
                    }
                    if !append {
                        self.flush_appended(c);
                    }
                    match c.next_line() {
                        Some(line) if *append => {
                            c.ps.push('\n');
                            c.ps.push_str(line);
                        }
                        Some(line) => c.ps = line.to_string(),
                        // No next line: GNU sed ends here, printing the
                        // pattern space (`n` already did).
                        None => return Some(*append),
                    }
                }
                Op::Quit { print, code } => {
                    self.quit = Some(*code);
                    return Some(*print);
                }
                Op::LineNumber => self.write(&c.line_no.to_string(), true),
                Op::Append(text) => c.appended.push(text),
                Op::Insert(text) => self.write(text, true),
                Op::Change(text) => {
                    // In a range, the text replaces the whole range: it is
                    // printed at the range's end.
                    if cmd.negate || cmd.a2.is_none() || self.ranges[cmd.id].is_none() {
                        self.write(text, true);
                    }
                    c.deleted = true;
                }
                Op::Translate(pairs) => {
                    c.ps =
                        c.ps.chars()
                            .map(|ch| pairs.iter().find(|(f, _)| *f == ch).map_or(ch, |(_, t)| *t))
                            .collect();
                }
                Op::Hold { op } => match op {
                    'h' => self.hold = c.ps.clone(),
                    'H' => {
                        self.hold.push('\n');
                        self.hold.push_str(&c.ps);
                    }
                    'g' => c.ps = self.hold.clone(),
                    'G' => {
                        c.ps.push('\n');
                        c.ps.push_str(&self.hold);
                    }
                    _ => std::mem::swap(&mut self.hold, &mut c.ps),
                },
                Op::Block(inner) => {
                    if let Some(stop) = self.exec(inner, c) {
                        return Some(stop);
                    }
                }
            }
        }
        None
    }

    /// Whether `addr` matches the cycle's line (a pattern address sets the last pattern).
    fn matches(&mut self, addr: &Addr, c: &Cycle<'_, '_>) -> bool {
        match addr {
            Addr::Line(n) => c.line_no == *n,
            Addr::Last => c.last,
            Addr::Step(first, 0) => c.line_no == *first,
            Addr::Step(first, step) => c.line_no >= *first && (c.line_no - first).is_multiple_of(*step),
            Addr::Plus(_) => false,
            Addr::Re(p) => {
                if let Some(p) = p {
                    self.last_re = Some(p.clone());
                }
                self.last_re.as_ref().is_some_and(|p| p.is_match(&c.ps))
            }
        }
    }

    /// Whether `cmd`'s addresses select the cycle's line (before `!`).
    fn selects(&mut self, cmd: &Cmd, c: &Cycle<'_, '_>) -> bool {
        let Some(a1) = &cmd.a1 else { return true };
        let Some(a2) = &cmd.a2 else { return self.matches(a1, c) };
        if let Some(end) = self.ranges[cmd.id] {
            let done = match end {
                RangeEnd::Line(n) => c.line_no >= n,
                RangeEnd::Pattern => self.matches(a2, c),
            };
            if done {
                self.ranges[cmd.id] = None;
            }
            // A line past a line-number end ends the range without being in it.
            return !matches!(end, RangeEnd::Line(n) if c.line_no > n);
        }
        let starts = match a1 {
            // `0,/re/`: the range is open from before the first line.
            Addr::Line(0) => {
                if c.line_no == 1 {
                    if self.matches(a2, c) {
                        return true;
                    }
                    self.ranges[cmd.id] = Some(RangeEnd::Pattern);
                    return true;
                }
                false
            }
            a => self.matches(a, c),
        };
        if !starts {
            return false;
        }
        let end = match a2 {
            Addr::Line(n) => RangeEnd::Line(*n),
            Addr::Plus(n) => RangeEnd::Line(c.line_no.saturating_add(*n)),
            Addr::Step(_, step) if *step > 0 => {
                RangeEnd::Line(c.line_no.div_ceil(*step).saturating_mul(*step))
            }
            Addr::Step(_, _) => RangeEnd::Line(c.line_no),
            Addr::Last if c.last => return true,
            Addr::Last => RangeEnd::Line(usize::MAX),
            Addr::Re(_) => RangeEnd::Pattern,
        };
        if !matches!(end, RangeEnd::Line(n) if n <= c.line_no) {
            self.ranges[cmd.id] = Some(end);
        }
        true
    }

    /// `s`: replaces in the pattern space; whether anything was replaced.
    fn substitute(&mut self, s: &Subst, c: &mut Cycle<'_, '_>) -> bool {
        if let Some(p) = &s.re {
            self.last_re = Some(p.clone());
        }
        let Some(re) = self.last_re.as_ref() else { return false };
        let ps = &c.ps;
        let mut out = String::new();
        let mut copied = 0;
        let mut at = 0;
        let mut count = 0;
        let mut replaced = false;
        let mut prev_end: Option<usize> = None;
        while at <= ps.len() {
            let Some(groups) = re.captures_at(ps, at) else { break };
            let Some((start, end)) = groups[0] else { break };
            let next_char = |i: usize| ps[i..].chars().next().map_or(1, char::len_utf8);
            if start == end && prev_end == Some(start) {
                // No empty match right after a match.
                if start >= ps.len() {
                    break;
                }
                at = start + next_char(start);
                continue;
            }
            count += 1;
            if count >= s.nth {
                out.push_str(&ps[copied..start]);
                for piece in &s.replacement {
                    match piece {
                        Piece::Text(t) => out.push_str(t),
                        Piece::Group(n) => {
                            if let Some(Some((a, b))) = groups.get(*n) {
                                out.push_str(&ps[*a..*b]);
                            }
                        }
                    }
                }
                copied = end;
                replaced = true;
                if !s.global {
                    break;
                }
            }
            prev_end = Some(end);
            at = if start == end {
                if end >= ps.len() {
                    break;
                }
                end + next_char(end)
            } else {
                end
            };
        }
        if replaced {
            out.push_str(&ps[copied..]);
            c.ps = out;
        }
        replaced
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sed(args: &[&str], input: &str) -> String {
        let mut con = Console::new(1, crate::ConsoleOptions::bare_etcd());
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let o = run(&mut con, &args, Some(input));
        format!(
            "{}{}{}",
            o.stdout,
            o.stderr,
            if o.exit != 0 { format!("[{}]", o.exit) } else { String::new() }
        )
    }

    #[test]
    fn substitutions() {
        assert_eq!(sed(&["s/x*/-/g"], "abc\n"), "-a-b-c-\n");
        assert_eq!(sed(&["s/l/L/2g"], "hello\n"), "helLo\n");
        assert_eq!(sed(&["s/l/L/2"], "hellol\n"), "helLol\n");
        assert_eq!(sed(&["s|/var/lib/etcd|/data|"], "- /var/lib/etcd\n"), "- /data\n");
        assert_eq!(sed(&["-E", "s/(a+)(b)/\\2\\1/"], "aab\n"), "baa\n");
        assert_eq!(sed(&["s/a/<&>/gI"], "aA\n"), "<a><A>\n");
        assert_eq!(sed(&["-n", "s/a/b/p"], "a\nc\n"), "b\n");
        assert_eq!(sed(&["s/b*$/X/"], "abb\n"), "aX\n");
    }

    #[test]
    fn addresses_and_commands() {
        let five = "1\n2\n3\n4\n5\n";
        assert_eq!(sed(&["-n", "2,4!p"], five), "1\n5\n");
        assert_eq!(sed(&["0,/1/d"], five), "2\n3\n4\n5\n");
        assert_eq!(sed(&["-n", "2,1p"], five), "2\n");
        assert_eq!(sed(&["-n", "$p"], five), "5\n");
        assert_eq!(sed(&["-n", "/2/,/4/p"], five), "2\n3\n4\n");
        assert_eq!(sed(&["-n", "1~2p"], five), "1\n3\n5\n");
        assert_eq!(sed(&["2q"], five), "1\n2\n");
        assert_eq!(sed(&["3,+1d"], five), "1\n2\n5\n");
        assert_eq!(sed(&["2i\\\nx"], "a\nb\n"), "a\nx\nb\n");
        assert_eq!(sed(&["a foo; p"], "x\n"), "x\nfoo; p\n");
        assert_eq!(sed(&["2,3c\\X"], five), "1\nX\n4\n5\n");
        assert_eq!(sed(&["="], "a\n"), "1\na\n");
        assert_eq!(sed(&["p"], "a\nb"), "a\na\nb\nb");
        assert_eq!(sed(&["-n", "/1/{p;p}"], five), "1\n1\n");
        assert_eq!(sed(&["y/abc/xyz/"], "aabbcc\n"), "xxyyzz\n");
        assert_eq!(sed(&["-n", "n;p"], five), "2\n4\n");
        assert_eq!(sed(&["$!N;s/\\n/ /"], five), "1 2\n3 4\n5\n");
        assert_eq!(sed(&["N;N;s/\\n/+/g"], five), "1+2+3\n4\n5\n");
        assert_eq!(sed(&["-n", "h;n;G;p"], "a\nb\n"), "b\na\n");
    }

    #[test]
    fn errors() {
        assert_eq!(sed(&["s/a/b"], ""), "sed: -e expression #1, char 5: unterminated `s' command\n[1]");
        assert_eq!(
            sed(&["-e", "p", "-e", "k"], ""),
            "sed: -e expression #2, char 1: unknown command: `k'\n[1]"
        );
        assert_eq!(sed(&["p", "nofile"], ""), "sed: can't read nofile: No such file or directory\n[2]");
        assert_eq!(sed(&["-i", "p"], ""), "sed: no input files\n[4]");
        assert!(sed(&["-k"], "").starts_with("sed: invalid option -- 'k'\nUsage: sed"));
    }

    #[test]
    fn in_place() {
        let mut con = Console::new(1, crate::ConsoleOptions::bare_etcd());
        con.vfs.write("f", b"a\nb\n".to_vec());
        let args: Vec<String> = ["-i.bak", "s/a/A/", "f"].iter().map(|s| s.to_string()).collect();
        let o = run(&mut con, &args, None);
        assert_eq!((o.stdout.as_str(), o.exit), ("", 0));
        assert_eq!(con.vfs.read("f"), Some(&b"A\nb\n"[..]));
        assert_eq!(con.vfs.read("f.bak"), Some(&b"a\nb\n"[..]));
    }
}
