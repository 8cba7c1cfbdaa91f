//! The file commands over the virtual filesystem: `ls`, `cat`, `cp`, `mv`, `rm`, `mkdir`, `touch`, `tee`, `cd`, with GNU coreutils' messages and exit codes.
//!
//! ```text
//!   cp /etc/kubernetes/manifests/etcd.yaml /root/etcd.yaml.bak
//!   cp x y        -> cp: cannot stat 'x': No such file or directory   (exit 1)
//!   mv d d/e      -> mv: cannot move 'd' to a subdirectory of itself, 'd/e'
//! ```
//!
//! Options follow getopt: clustered short flags (`-rf`), `--long` names,
//! `--` ends them; an unknown one is the tool's `invalid option` message.

use crate::console::Console;
use crate::output::Output;

/// `tool: invalid option -- 'x'` and the hint, with `code`.
fn bad_option(tool: &str, c: &str, code: i32) -> Output {
    let what = if c.starts_with("--") {
        format!("unrecognized option '{c}'")
    } else {
        format!("invalid option -- '{c}'")
    };
    Output::fail(format!("{tool}: {what}\nTry '{tool} --help' for more information.\n"), code)
}

/// Splits `args` into the short flags set (long names mapped through
/// `long`) and the operands; flags outside `allowed` are an error.
fn getopt(
    tool: &str,
    args: &[String],
    allowed: &str,
    long: &[(&str, char)],
    code: i32,
) -> Result<(String, Vec<String>), Output> {
    let mut flags = String::new();
    let mut operands = Vec::new();
    let mut only = false;
    for a in args {
        if only || a == "-" || !a.starts_with('-') {
            operands.push(a.clone());
        } else if a == "--" {
            only = true;
        } else if let Some(name) = a.strip_prefix("--") {
            match long.iter().find(|(l, _)| *l == name) {
                Some((_, c)) => flags.push(*c),
                None => return Err(bad_option(tool, a, code)),
            }
        } else {
            for c in a[1..].chars() {
                if !allowed.contains(c) {
                    return Err(bad_option(tool, &c.to_string(), code));
                }
                flags.push(c);
            }
        }
    }
    Ok((flags, operands))
}

fn missing_operand(tool: &str, what: &str) -> Output {
    Output::fail(format!("{tool}: missing {what}\nTry '{tool} --help' for more information.\n"), 1)
}

/// The last part of `path` (`a/b/` -> `b`).
fn base_name(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    t.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(t)
}

/// `dir/name` as the user would see it (`d/` + `f` -> `d/f`).
fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') { format!("{dir}{name}") } else { format!("{dir}/{name}") }
}

/// `ls [-l] [-a] [PATH]...`: one name a line, as ls prints into a pipe.
pub(super) fn ls(con: &Console, args: &[String]) -> Output {
    let long = [("all", 'a'), ("long", 'l'), ("almost-all", 'A')];
    let (flags, mut targets) = match getopt("ls", args, "laA1hRtrdF", &long, 2) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let (long, all, almost) = (flags.contains('l'), flags.contains('a'), flags.contains('A'));
    if targets.is_empty() {
        targets.push(".".to_string());
    }
    let mut out = Output::default();
    let mut dirs = Vec::new();
    for t in &targets {
        if con.vfs.is_file(t) {
            let size = con.vfs.read(t).map_or(0, <[u8]>::len);
            out.println(if long { long_line(false, size, t) } else { t.clone() });
        } else if con.vfs.is_dir(t) {
            dirs.push(t);
        } else {
            out.eprintln(format!("ls: cannot access '{t}': No such file or directory"));
            out.exit = 2;
        }
    }
    let files_shown = !out.stdout.is_empty();
    for (n, t) in dirs.iter().enumerate() {
        if targets.len() > 1 {
            if n > 0 || files_shown {
                out.println("");
            }
            out.println(format!("{t}:"));
        }
        let mut names: Vec<(String, bool)> = con
            .vfs
            .list(t)
            .unwrap_or_default()
            .into_iter()
            .map(|n| match n.strip_suffix('/') {
                Some(d) => (d.to_string(), true),
                None => (n, false),
            })
            .filter(|(n, _)| all || almost || !n.starts_with('.'))
            .collect();
        if all {
            names.insert(0, ("..".to_string(), true));
            names.insert(0, (".".to_string(), true));
        }
        if long {
            let total: usize = names.iter().map(|(n, d)| if *d { 4 } else { size_kb(con, t, n) }).sum();
            out.println(format!("total {total}"));
        }
        for (name, is_dir) in names {
            if long {
                let size = if is_dir { 4096 } else { con.vfs.read(&join(t, &name)).map_or(0, <[u8]>::len) };
                out.println(long_line(is_dir, size, &name));
            } else {
                out.println(name);
            }
        }
    }
    out
}

/// A file's size in ls's 1 KB blocks (4 KB pages, as ext4 allocates).
fn size_kb(con: &Console, dir: &str, name: &str) -> usize {
    let bytes = con.vfs.read(&join(dir, name)).map_or(0, <[u8]>::len);
    bytes.div_ceil(4096) * 4
}

/// One line of `ls -l` (every file belongs to root; times are the playground's t=0).
fn long_line(is_dir: bool, size: usize, name: &str) -> String {
    let (mode, links) = if is_dir { ("drwxr-xr-x", 2) } else { ("-rw-r--r--", 1) };
    format!("{mode} {links} root root {size:>5} Jan  1 00:00 {name}")
}

/// `cat [-n] [FILE]...`.
pub(super) fn cat(con: &Console, args: &[String], stdin: Option<&str>) -> Output {
    let (flags, mut files) = match getopt("cat", args, "nA", &[("number", 'n')], 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    if files.is_empty() {
        files.push("-".to_string());
    }
    let mut out = Output::default();
    let mut text = String::new();
    for a in &files {
        if a == "-" {
            text.push_str(stdin.unwrap_or(""));
            continue;
        }
        if con.vfs.is_dir(a) {
            out.print(std::mem::take(&mut text));
            out.eprintln(format!("cat: {a}: Is a directory"));
            out.exit = 1;
            continue;
        }
        match con.vfs.read(a) {
            Some(b) if std::str::from_utf8(b).is_ok() => text.push_str(&String::from_utf8_lossy(b)),
            Some(b) => text.push_str(&format!("(binary file, {} bytes)\n", b.len())),
            None => {
                out.print(std::mem::take(&mut text));
                out.eprintln(format!("cat: {a}: No such file or directory"));
                out.exit = 1;
            }
        }
    }
    if flags.contains('n') {
        text = text.split_inclusive('\n').enumerate().map(|(i, l)| format!("{:>6}\t{l}", i + 1)).collect();
    }
    out.print(text);
    out
}

/// `mkdir [-p] DIR...`.
pub(super) fn mkdir(con: &mut Console, args: &[String]) -> Output {
    let (flags, dirs) = match getopt("mkdir", args, "pv", &[("parents", 'p')], 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let parents = flags.contains('p');
    if dirs.is_empty() {
        return missing_operand("mkdir", "operand");
    }
    let mut out = Output::default();
    for d in &dirs {
        if con.vfs.is_file(d) || (con.vfs.is_dir(d) && !parents) {
            out.eprintln(format!("mkdir: cannot create directory '{d}': File exists"));
            out.exit = 1;
        } else if !parents && !con.vfs.parent_exists(d) {
            out.eprintln(format!("mkdir: cannot create directory '{d}': No such file or directory"));
            out.exit = 1;
        } else if !con.vfs.is_dir(d) {
            con.vfs.mkdir(d);
        }
    }
    out
}

/// `rm [-r] [-f] PATH...`.
pub(super) fn rm(con: &mut Console, args: &[String]) -> Output {
    let long = [("recursive", 'r'), ("force", 'f')];
    let (flags, paths) = match getopt("rm", args, "rRfvid", &long, 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let recursive = flags.contains('r') || flags.contains('R');
    let force = flags.contains('f');
    if paths.is_empty() {
        return if force { Output::default() } else { missing_operand("rm", "operand") };
    }
    let mut out = Output::default();
    for p in &paths {
        if recursive && con.vfs.resolve(p) == "/" {
            out.eprintln("rm: it is dangerous to operate recursively on '/'");
            out.eprintln("rm: use --no-preserve-root to override this failsafe");
            out.exit = 1;
            continue;
        }
        if !con.vfs.exists(p) {
            if !force {
                out.eprintln(format!("rm: cannot remove '{p}': No such file or directory"));
                out.exit = 1;
            }
            continue;
        }
        if let Err(e) = con.vfs.remove(p, recursive) {
            out.eprintln(e);
            out.exit = 1;
        }
    }
    out
}

/// `cp [-r] SRC DST`, `cp [-r] SRC... DIR`.
pub(super) fn cp(con: &mut Console, args: &[String]) -> Output {
    let long = [("recursive", 'r'), ("force", 'f')];
    let (flags, ops) = match getopt("cp", args, "rRapfvi", &long, 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let recursive = flags.contains('r') || flags.contains('R') || flags.contains('a');
    transfer(con, "cp", &ops, recursive)
}

/// `mv SRC DST`, `mv SRC... DIR`.
pub(super) fn mv(con: &mut Console, args: &[String]) -> Output {
    let (_, ops) = match getopt("mv", args, "fvin", &[("force", 'f')], 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    transfer(con, "mv", &ops, true)
}

/// What cp and mv share: operands, the target of each source, their errors.
fn transfer(con: &mut Console, tool: &str, ops: &[String], recursive: bool) -> Output {
    let (dest, sources) = match ops.split_last() {
        None => return missing_operand(tool, "file operand"),
        Some((_, [])) => {
            return missing_operand(tool, &format!("destination file operand after '{}'", ops[0]));
        }
        Some((d, s)) => (d, s),
    };
    let into_dir = con.vfs.is_dir(dest);
    if sources.len() > 1 && !into_dir {
        let why = if con.vfs.exists(dest) { "Not a directory" } else { "No such file or directory" };
        return Output::fail(format!("{tool}: target '{dest}': {why}\n"), 1);
    }
    let mut out = Output::default();
    for src in sources {
        if let Err(e) = transfer_one(con, tool, src, dest, into_dir, recursive) {
            out.eprintln(format!("{tool}: {e}"));
            out.exit = 1;
        }
    }
    out
}

fn transfer_one(
    con: &mut Console,
    tool: &str,
    src: &str,
    dest: &str,
    into_dir: bool,
    recursive: bool,
) -> Result<(), String> {
    let is_dir = con.vfs.is_dir(src);
    if !is_dir && !con.vfs.is_file(src) {
        return Err(format!("cannot stat '{src}': No such file or directory"));
    }
    if is_dir && !recursive {
        return Err(format!("-r not specified; omitting directory '{src}'"));
    }
    let target = if into_dir { join(dest, base_name(src)) } else { dest.to_string() };
    let (from, to) = (con.vfs.resolve(src), con.vfs.resolve(&target));
    if from == to {
        return Err(format!("'{src}' and '{target}' are the same file"));
    }
    if is_dir && to.starts_with(&format!("{from}/")) {
        return Err(if tool == "mv" {
            format!("cannot move '{src}' to a subdirectory of itself, '{target}'")
        } else {
            format!("cannot copy a directory, '{src}', into itself, '{target}'")
        });
    }
    if is_dir && con.vfs.is_file(&to) {
        return Err(format!("cannot overwrite non-directory '{target}' with directory '{src}'"));
    }
    if !is_dir && con.vfs.is_dir(&to) {
        return Err(format!("cannot overwrite directory '{target}' with non-directory"));
    }
    if !con.vfs.parent_exists(&to) {
        return Err(if tool == "mv" {
            format!("cannot move '{src}' to '{target}': No such file or directory")
        } else if is_dir {
            format!("cannot create directory '{target}': No such file or directory")
        } else {
            format!("cannot create regular file '{target}': No such file or directory")
        });
    }
    match (tool, is_dir) {
        ("mv", _) => con.vfs.rename(&from, &to),
        (_, true) => {
            // `cp -r d e` into an existing e/ copies to e/d (handled by into_dir).
            con.vfs.copy_dir(&from, &to);
        }
        _ => {
            let bytes = con.vfs.read(&from).map(<[u8]>::to_vec).unwrap_or_default();
            con.vfs.write(&to, bytes);
        }
    }
    Ok(())
}

/// `touch FILE...`: creates the files that are missing.
pub(super) fn touch(con: &mut Console, args: &[String]) -> Output {
    let (_, files) = match getopt("touch", args, "acm", &[], 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    if files.is_empty() {
        return missing_operand("touch", "file operand");
    }
    let mut out = Output::default();
    for f in &files {
        if con.vfs.exists(f) {
            continue;
        }
        if !con.vfs.parent_exists(f) {
            out.eprintln(format!("touch: cannot touch '{f}': No such file or directory"));
            out.exit = 1;
            continue;
        }
        con.vfs.write(f, Vec::new());
    }
    out
}

/// `tee [-a] FILE...`: standard input to standard output and to each file.
pub(super) fn tee(con: &mut Console, args: &[String], stdin: Option<&str>) -> Output {
    let (flags, files) = match getopt("tee", args, "ai", &[("append", 'a')], 1) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let text = stdin.unwrap_or("");
    let mut out = Output::ok(text);
    for f in &files {
        if con.vfs.is_dir(f) {
            out.eprintln(format!("tee: {f}: Is a directory"));
            out.exit = 1;
        } else if !con.vfs.parent_exists(f) {
            out.eprintln(format!("tee: {f}: No such file or directory"));
            out.exit = 1;
        } else if flags.contains('a') {
            con.vfs.append(f, text.as_bytes());
        } else {
            con.vfs.write(f, text.as_bytes().to_vec());
        }
    }
    out
}

/// `cd [DIR]`, `cd -`: the tab's working directory, `$PWD` and `$OLDPWD`.
pub(super) fn cd(con: &mut Console, args: &[String]) -> Output {
    let (dir, announce) = match args {
        [] => (con.env.get("HOME").cloned().unwrap_or_else(|| crate::vfs::HOME.to_string()), false),
        [d] if d == "-" => match con.env.get("OLDPWD") {
            Some(o) => (o.clone(), true),
            None => return Output::fail("bash: cd: OLDPWD not set\n", 1),
        },
        [d] => (d.clone(), false),
        _ => return Output::fail("bash: cd: too many arguments\n", 1),
    };
    if !con.vfs.is_dir(&dir) {
        let why = if con.vfs.is_file(&dir) { "Not a directory" } else { "No such file or directory" };
        return Output::fail(format!("bash: cd: {dir}: {why}\n"), 1);
    }
    let old = con.vfs.cwd().to_string();
    con.vfs.set_cwd(&dir);
    let new = con.vfs.cwd().to_string();
    con.env.insert("OLDPWD".to_string(), old);
    con.env.insert("PWD".to_string(), new.clone());
    if announce { Output::ok(format!("{new}\n")) } else { Output::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(base_name("a/b/"), "b");
        assert_eq!(base_name("f"), "f");
        assert_eq!(join("d/", "f"), "d/f");
        assert_eq!(join("d", "f"), "d/f");
    }
}
