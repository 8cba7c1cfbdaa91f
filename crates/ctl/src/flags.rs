//! A cobra/pflag-like parser: finds the command a line names and parses its flags with pflag's rules and error texts.
//!
//! ```text
//! etcdctl -w json get foo --prefix   ->  command "get", args ["foo"],
//!                                        flags {write-out: "json", prefix: "true"}
//! etcdctl get foo --bogus            ->  Err("unknown flag: --bogus")
//! etcdctl --bogus get foo            ->  cobra skips "get" as --bogus's value:
//!                                        unknown command "foo" for "etcdctl"
//! ```

use slim::{VecMap, VecSet};

use crate::spec::{CommandSpec, FlagKind, FlagSpec, Spec};

/// A parsed command line.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// The command's path below `etcdctl` (`member add`).
    pub path: String,
    /// Positional arguments.
    pub args: Vec<String>,
    /// Flag values by long name: what was given, else the default.
    pub values: VecMap<String, String>,
    /// Flags given on the command line.
    pub changed: VecSet<String>,
    /// Slice flags' items by name, when given.
    pub slices: VecMap<String, Vec<String>>,
    /// How many positional arguments came before `--` (cobra's `ArgsLenAtDash`).
    pub args_at_dash: Option<usize>,
    /// `watch`'s ETCDCTL_WATCH_KEY and ETCDCTL_WATCH_RANGE_END from the
    /// command's environment (exported or assigned on the line), `""` when unset.
    pub watch_env: (String, String),
}

impl Parsed {
    /// A flag's value (given or default), or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// A bool flag.
    pub fn bool(&self, name: &str) -> bool {
        self.get(name) == "true"
    }

    /// An int flag (already validated).
    pub fn int(&self, name: &str) -> i64 {
        self.get(name).parse().unwrap_or(0)
    }

    /// A duration flag in milliseconds (already validated).
    pub fn duration_ms(&self, name: &str) -> u64 {
        parse_duration_ms(self.get(name)).unwrap_or(0)
    }

    /// Whether a flag was given.
    pub fn is_set(&self, name: &str) -> bool {
        self.changed.contains(name)
    }

    /// A string-slice flag's items.
    pub fn slice(&self, name: &str) -> Vec<String> {
        self.slices.get(name).cloned().unwrap_or_else(|| split_csv(self.get(name)))
    }
}

/// Finds the command `args` names, as cobra's `Find` does (prefix matching on).
/// Returns the command path and the arguments left once its words are removed,
/// or the unknown command's name when the root gets a word it does not know.
pub fn find_command(spec: &Spec, args: &[String]) -> Result<(String, Vec<String>), String> {
    let mut path = String::new();
    let mut rest: Vec<String> = args.to_vec();
    while let Some(cmd) = spec.command(&path) {
        let words = strip_flags(&rest, cmd, spec);
        let Some(next) = words.first() else { break };
        let Some(sub) = find_next(cmd, next) else {
            if path.is_empty() {
                return Err(next.clone());
            }
            break;
        };
        if let Some(pos) = rest.iter().position(|a| a == next) {
            rest.remove(pos);
        }
        path = if path.is_empty() { sub } else { format!("{path} {sub}") };
    }
    Ok((path, rest))
}

fn find_next(cmd: &CommandSpec, word: &str) -> Option<String> {
    if cmd.subcommands.iter().any(|s| s == word) {
        return Some(word.to_string());
    }
    let matches: Vec<&String> = cmd.subcommands.iter().filter(|s| s.starts_with(word)).collect();
    if matches.len() == 1 && !word.is_empty() { Some(matches[0].clone()) } else { None }
}

fn is_bool(name: &str, cmd: &CommandSpec, spec: &Spec) -> bool {
    name == "help"
        || cmd.flags.iter().chain(spec.global.iter()).any(|f| f.name == name && f.kind == FlagKind::Bool)
}

fn short_is_bool(c: char, cmd: &CommandSpec, spec: &Spec) -> bool {
    c == 'h'
        || cmd.flags.iter().chain(spec.global.iter()).any(|f| f.short == Some(c) && f.kind == FlagKind::Bool)
}

/// cobra's `stripFlags`: the words that are not flags or (guessed) flag values.
fn strip_flags(args: &[String], cmd: &CommandSpec, spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        i += 1;
        if s == "--" {
            break;
        }
        if let Some(name) = s.strip_prefix("--") {
            if !s.contains('=') && !is_bool(name, cmd, spec) {
                if args.len() - i <= 1 {
                    break;
                }
                i += 1;
            }
            continue;
        }
        if let Some(short) = s.strip_prefix('-') {
            let mut chars = short.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && !s.contains('=')
                && !short_is_bool(c, cmd, spec)
            {
                if args.len() - i <= 1 {
                    break;
                }
                i += 1;
            }
            continue;
        }
        if !s.is_empty() {
            out.push(s.clone());
        }
    }
    out
}

/// Parses the flags of `cmd` (its own, the global ones and `-h/--help`) out of `args`.
pub fn parse_flags(spec: &Spec, cmd: &CommandSpec, args: &[String]) -> Result<Parsed, String> {
    let help = FlagSpec {
        name: "help".into(),
        short: Some('h'),
        kind: FlagKind::Bool,
        default: "false".into(),
        usage: format!("help for {}", cmd.path.rsplit(' ').next().unwrap_or("")),
    };
    let mut flags: Vec<&FlagSpec> = cmd.flags.iter().collect();
    if !flags.iter().any(|f| f.name == "help") {
        flags.push(&help);
    }
    flags.extend(spec.global.iter());
    let mut p = Parsed { path: cmd.path.clone(), ..Parsed::default() };
    for f in &flags {
        p.values.insert(f.name.clone(), f.default.clone());
    }
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            p.args_at_dash = Some(p.args.len());
            p.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(f) = flags.iter().find(|f| f.name == name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = match (inline, f.kind) {
                (Some(v), _) => v,
                (None, FlagKind::Bool) => "true".to_string(),
                (None, _) => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => return Err(format!("flag needs an argument: --{name}")),
                },
            };
            set(&mut p, f, &value)?;
        } else if a.len() > 1 && a.starts_with('-') {
            let shorts: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let Some(f) = flags.iter().find(|f| f.short == Some(c)) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {a}"));
                };
                let tail: String = shorts[j + 1..].iter().collect();
                if f.kind == FlagKind::Bool {
                    match tail.strip_prefix('=') {
                        Some(v) => {
                            set(&mut p, f, v)?;
                            break;
                        }
                        None => set(&mut p, f, "true")?,
                    }
                    j += 1;
                    continue;
                }
                let value = if let Some(v) = tail.strip_prefix('=') {
                    v.to_string()
                } else if !tail.is_empty() {
                    tail
                } else if let Some(v) = args.get(i) {
                    i += 1;
                    v.clone()
                } else {
                    return Err(format!("flag needs an argument: '{c}' in -{c}"));
                };
                set(&mut p, f, &value)?;
                break;
            }
        } else {
            p.args.push(a.clone());
        }
    }
    Ok(p)
}

/// Sets a flag from a string as pflag's `Set` does, with its error texts.
pub fn set(p: &mut Parsed, f: &FlagSpec, value: &str) -> Result<(), String> {
    let shown = match f.short {
        Some(c) => format!("-{c}, --{}", f.name),
        None => format!("--{}", f.name),
    };
    let bad = |why: String| format!("invalid argument {value:?} for {shown:?} flag: {why}");
    let norm = match f.kind {
        FlagKind::Bool => match value {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => "true".to_string(),
            "0" | "f" | "F" | "false" | "FALSE" | "False" => "false".to_string(),
            _ => return Err(bad(format!("strconv.ParseBool: parsing {value:?}: invalid syntax"))),
        },
        FlagKind::Int => parse_go_int(value).map_err(bad)?.to_string(),
        FlagKind::Uint => match value.strip_prefix('-') {
            Some(_) => return Err(bad(format!("strconv.ParseUint: parsing {value:?}: invalid syntax"))),
            None => parse_go_int(value).map_err(|e| bad(e.replace("ParseInt", "ParseUint")))?.to_string(),
        },
        FlagKind::Duration => {
            parse_duration_ms(value).map_err(bad)?;
            value.to_string()
        }
        FlagKind::String => value.to_string(),
        FlagKind::StringSlice => {
            let items = split_csv(value);
            let entry = p.slices.get_or_default(f.name.clone());
            entry.extend(items);
            entry.join(",")
        }
    };
    p.values.insert(f.name.clone(), norm);
    p.changed.insert(f.name.clone());
    Ok(())
}

fn split_csv(v: &str) -> Vec<String> {
    if v.is_empty() { Vec::new() } else { v.split(',').map(|s| s.trim_matches('"').to_string()).collect() }
}

/// Go's `strconv.ParseInt(s, 0, 64)` as pflag's int flags call it, with its error text.
pub fn parse_go_int(s: &str) -> Result<i64, String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, h)
    } else if let Some(b) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
        (2, b)
    } else if let Some(o) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
        (8, o)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let body = body.replace('_', "");
    let syntax = || format!("strconv.ParseInt: parsing {s:?}: invalid syntax");
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return Err(syntax());
    }
    let mag = u128::from_str_radix(&body, radix)
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))?;
    let limit = if neg { 1u128 << 63 } else { (1u128 << 63) - 1 };
    if mag > limit {
        return Err(format!("strconv.ParseInt: parsing {s:?}: value out of range"));
    }
    let v = mag as i128;
    Ok(if neg { (-v) as i64 } else { v as i64 })
}

/// Go's `strconv.ParseInt(s, 10, 64)` error text, as etcdctl's argument parsing reports it.
pub fn parse_dec_i64(s: &str) -> Result<i64, String> {
    let ok = !s.is_empty() && s.trim_start_matches(['-', '+']).chars().all(|c| c.is_ascii_digit());
    let rest = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !ok || rest.is_empty() {
        return Err(format!("strconv.ParseInt: parsing {s:?}: invalid syntax"));
    }
    s.trim_start_matches('+')
        .parse::<i64>()
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))
}

/// Go's `strconv.ParseInt(s, 16, 64)` (lease IDs).
pub fn parse_hex_i64(s: &str) -> Result<i64, String> {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("strconv.ParseInt: parsing {s:?}: invalid syntax"));
    }
    let v = i128::from_str_radix(s, 16)
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))?;
    i64::try_from(v).map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))
}

/// Go's `strconv.ParseUint(s, 16, 64)` (member IDs).
pub fn parse_hex_u64(s: &str) -> Result<u64, String> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("strconv.ParseUint: parsing {s:?}: invalid syntax"));
    }
    u64::from_str_radix(s, 16).map_err(|_| format!("strconv.ParseUint: parsing {s:?}: value out of range"))
}

/// Go's `time.ParseDuration`, in whole milliseconds, with its error texts.
pub fn parse_duration_ms(s: &str) -> Result<u64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {orig:?}");
    let s = s.strip_prefix('+').unwrap_or(s);
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() || s.starts_with('-') {
        return Err(invalid());
    }
    let mut total_ns: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(invalid());
        }
        let num: f64 = rest[..num_len].parse().map_err(|_| invalid())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "" => return Err(format!("time: missing unit in duration {orig:?}")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            u => return Err(format!("time: unknown unit {u:?} in duration {orig:?}")),
        };
        total_ns += num * scale;
    }
    if total_ns > 9.2e18 {
        return Err(invalid());
    }
    Ok((total_ns / 1e6) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn parse(line: &str) -> Result<Parsed, String> {
        let spec = Spec::etcdctl();
        let (path, rest) = find_command(&spec, &words(line)).map_err(|c| format!("unknown command {c:?}"))?;
        let cmd = spec.command(&path).unwrap();
        parse_flags(&spec, cmd, &rest)
    }

    #[test]
    fn finds_commands() {
        let p = parse("-w json get foo --prefix").unwrap();
        assert_eq!((p.path.as_str(), p.args.clone()), ("get", words("foo")));
        assert_eq!(p.get("write-out"), "json");
        assert!(p.bool("prefix"));
        assert_eq!(parse("mem li").unwrap().path, "member list");
        assert_eq!(parse("--bogus get foo").unwrap_err(), "unknown command \"foo\"");
        assert_eq!(parse("put -- -dash dashed").unwrap().args, words("-dash dashed"));
        assert_eq!(parse("get foo -wjson").unwrap().get("write-out"), "json");
    }

    #[test]
    fn flag_errors() {
        assert_eq!(parse("get foo --bogus").unwrap_err(), "unknown flag: --bogus");
        assert_eq!(parse("compaction -5").unwrap_err(), "unknown shorthand flag: '5' in -5");
        assert_eq!(
            parse("get foo --rev=abc").unwrap_err(),
            "invalid argument \"abc\" for \"--rev\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"
        );
        assert_eq!(
            parse("--command-timeout=abc get foo").unwrap_err(),
            "invalid argument \"abc\" for \"--command-timeout\" flag: time: invalid duration \"abc\""
        );
        assert_eq!(parse("get foo --rev").unwrap_err(), "flag needs an argument: --rev");
        assert_eq!(parse("get foo -w").unwrap_err(), "flag needs an argument: 'w' in -w");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("5s"), Ok(5000));
        assert_eq!(parse_duration_ms("1m30s"), Ok(90_000));
        assert_eq!(parse_duration_ms("250ms"), Ok(250));
        assert_eq!(parse_duration_ms("1.5s"), Ok(1500));
        assert!(parse_duration_ms("5").is_err());
    }
}
