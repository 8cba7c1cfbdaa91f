//! etcdctl's command tree and flag specs, read from its own usage texts (`help/etcdctl.txt`).
//!
//! `tools/gen_help.py` writes one section per command (`@@ <path>` then the usage
//! text etcdctl 3.5 prints for `--help`). The OPTIONS lines of each text give
//! the command's flags, so the help we print and the parser we run never
//! disagree:
//!
//! ```text
//!   -w, --write-out="simple"   ->  short 'w', name "write-out", String, default "simple"
//!       --prev-kv[=false]      ->  Bool, default "false"
//!       --limit=0              ->  Int, default "0"
//!       --endpoints=[a,b]      ->  StringSlice
//!       --command-timeout=5s   ->  Duration
//! ```

use slim::VecMap;

const HELP_TEXT: &str = include_str!("help/etcdctl.txt");

/// The Go type of a flag, which decides how its value parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// `bool`: `--x` means true; `--x=false` is allowed.
    Bool,
    /// `string`.
    String,
    /// `int`/`int64`.
    Int,
    /// `uint64`.
    Uint,
    /// `time.Duration`.
    Duration,
    /// `[]string`: comma separated, repeatable.
    StringSlice,
}

/// One flag of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagSpec {
    /// The long name, without dashes.
    pub name: String,
    /// The one-letter shorthand.
    pub short: Option<char>,
    /// The value type.
    pub kind: FlagKind,
    /// The default value, as Go prints it.
    pub default: String,
    /// The help text.
    pub usage: String,
}

/// One command (or command group) of etcdctl.
#[derive(Clone, Debug, Default)]
pub struct CommandSpec {
    /// The path below `etcdctl`, such as `member add`; empty for the root.
    pub path: String,
    /// The text `--help` prints.
    pub help: String,
    /// The command's own flags (not the global ones).
    pub flags: Vec<FlagSpec>,
    /// Names of its subcommands, in the order help lists them.
    pub subcommands: Vec<String>,
}

/// The whole tree: every command by path, and the global (persistent) flags.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Every command by its path.
    pub commands: VecMap<String, CommandSpec>,
    /// Flags every command accepts.
    pub global: Vec<FlagSpec>,
}

impl CommandSpec {
    /// The command's use line (`get [options] <key> [range_end] [flags]`).
    pub fn use_line(&self) -> String {
        let mut lines = self.help.lines().skip_while(|l| *l != "USAGE:");
        lines.nth(1).map(|l| l.trim().trim_start_matches("etcdctl ").to_string()).unwrap_or_default()
    }

    /// pflag's `FlagUsages` of the command's own flags (cobra's default usage template).
    pub fn flag_usages(&self) -> String {
        let mut flags: Vec<&FlagSpec> = self.flags.iter().collect();
        slim::sort_by(&mut flags, |a, b| a.name.cmp(&b.name));
        let heads: Vec<String> = flags
            .iter()
            .map(|f| {
                let mut h = match f.short {
                    Some(c) => format!("  -{c}, --{}", f.name),
                    None => format!("      --{}", f.name),
                };
                let var = match f.kind {
                    FlagKind::Bool => "",
                    FlagKind::String => "string",
                    FlagKind::Int => "int",
                    FlagKind::Uint => "uint",
                    FlagKind::Duration => "duration",
                    FlagKind::StringSlice => "strings",
                };
                if !var.is_empty() {
                    h.push(' ');
                    h.push_str(var);
                }
                h
            })
            .collect();
        let width = heads.iter().map(|h| h.chars().count()).max().unwrap_or(0) + 3;
        let mut out = String::new();
        for (f, h) in flags.iter().zip(&heads) {
            let pad = width - h.chars().count();
            out.push_str(&format!("{h}{}{}", " ".repeat(pad), f.usage));
            // pflag's isZeroValue: a string flag's zero is "" alone (`--lease`'s "0" is shown).
            let zero = match f.kind {
                FlagKind::String => f.default.is_empty(),
                _ => matches!(f.default.as_str(), "" | "false" | "0" | "0s" | "[]"),
            };
            if !zero {
                if f.kind == FlagKind::String {
                    out.push_str(&format!(" (default {:?})", f.default));
                } else {
                    out.push_str(&format!(" (default {})", f.default));
                }
            }
            out.push('\n');
        }
        out
    }
}

impl Spec {
    /// Parses the embedded usage texts.
    pub fn etcdctl() -> Spec {
        Spec::parse(HELP_TEXT)
    }

    /// Parses usage texts in `tools/gen_help.py`'s format.
    pub fn parse(text: &str) -> Spec {
        let mut commands = VecMap::new();
        let mut global = Vec::new();
        for section in text.split("@@ ").filter(|s| !s.is_empty()) {
            let (path, help) = section.split_once('\n').unwrap_or((section, ""));
            let path = path.trim().to_string();
            let mut spec =
                CommandSpec { path: path.clone(), help: help.to_string(), ..CommandSpec::default() };
            let mut part = "";
            for line in help.lines() {
                if !line.starts_with(' ') && !line.starts_with('\t') && line.ends_with(':') {
                    part = line;
                    continue;
                }
                match part {
                    "COMMANDS:" if line.starts_with('\t') => {
                        let name = line.trim_start().split('\t').next().unwrap_or("");
                        if !name.contains(' ') && !path.is_empty() {
                            spec.subcommands.push(name.to_string());
                        } else if path.is_empty() {
                            let first = name.split(' ').next().unwrap_or("").to_string();
                            if !spec.subcommands.contains(&first) {
                                spec.subcommands.push(first);
                            }
                        }
                    }
                    "OPTIONS:" => spec.flags.extend(parse_flag(line)),
                    "GLOBAL OPTIONS:" => {
                        // A parent's persistent flags (endpoint --cluster) show here too.
                        if let Some(f) = parse_flag(line)
                            && !global.iter().any(|g: &FlagSpec| g.name == f.name)
                        {
                            spec.flags.push(f);
                        }
                    }
                    _ => {}
                }
            }
            if path.is_empty() {
                // The root's OPTIONS are the global flags (plus its -h).
                global = spec.flags.iter().filter(|f| f.name != "help").cloned().collect();
            }
            commands.insert(path, spec);
        }
        Spec { commands, global }
    }

    /// The command at `path`.
    pub fn command(&self, path: &str) -> Option<&CommandSpec> {
        self.commands.get(path)
    }

    /// A global flag by long name.
    pub fn global_flag(&self, name: &str) -> Option<&FlagSpec> {
        self.global.iter().find(|f| f.name == name)
    }
}

/// Parses one OPTIONS line such as `  -w, --write-out="simple"\t\tset the output format`.
fn parse_flag(line: &str) -> Option<FlagSpec> {
    let decl = line.trim_start().split('\t').next()?.trim_end();
    let usage = line.trim_start().split('\t').filter(|s| !s.is_empty()).nth(1).unwrap_or("").to_string();
    let (short, rest) = match decl.strip_prefix('-') {
        Some(r) if !r.starts_with('-') => {
            let c = r.chars().next()?;
            (Some(c), r.get(1..)?.trim_start_matches(',').trim_start())
        }
        _ => (None, decl),
    };
    let rest = rest.strip_prefix("--")?;
    let (name, kind, default) = if let Some((name, d)) = rest.split_once("[=") {
        (name, FlagKind::Bool, d.trim_end_matches(']').to_string())
    } else {
        let (name, d) = rest.split_once('=')?;
        if let Some(s) = d.strip_prefix('"') {
            (name, FlagKind::String, s.trim_end_matches('"').to_string())
        } else if d.starts_with('[') {
            (name, FlagKind::StringSlice, d.trim_start_matches('[').trim_end_matches(']').to_string())
        } else if d.ends_with('s') || d.ends_with('m') || d.ends_with('h') {
            (name, FlagKind::Duration, d.to_string())
        } else {
            (name, FlagKind::Int, d.to_string())
        }
    };
    Some(FlagSpec { name: name.to_string(), short, kind, default, usage })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_and_flags() {
        let spec = Spec::etcdctl();
        let get = spec.command("get").unwrap();
        let limit = get.flags.iter().find(|f| f.name == "limit").unwrap();
        assert_eq!(limit.kind, FlagKind::Int);
        assert!(get.flags.iter().any(|f| f.name == "count-only" && f.kind == FlagKind::Bool));
        let w = spec.global_flag("write-out").unwrap();
        assert_eq!((w.short, w.kind, w.default.as_str()), (Some('w'), FlagKind::String, "simple"));
        assert_eq!(spec.global_flag("command-timeout").unwrap().kind, FlagKind::Duration);
        assert_eq!(spec.global_flag("endpoints").unwrap().kind, FlagKind::StringSlice);
        assert!(spec.command("member").unwrap().subcommands.contains(&"add".to_string()));
        assert!(spec.command("auth").unwrap().subcommands.contains(&"status".to_string()));
        assert!(spec.command("").unwrap().subcommands.contains(&"get".to_string()));
        assert!(spec.command("member add").unwrap().flags.iter().any(|f| f.name == "learner"));
        assert!(spec.command("endpoint health").unwrap().flags.iter().any(|f| f.name == "cluster"));
    }
}
