//! Tab completion for the console: commands, flags, keys and member names.
//! Plain data, no signals, no browser API.

/// Commands Tab completes, in the order offered.
pub const COMMANDS: &[&str] = &[
    "etcdctl put ",
    "etcdctl get ",
    "etcdctl del ",
    "etcdctl watch ",
    "etcdctl member list",
    "etcdctl endpoint status",
    "etcdctl endpoint health",
    "etcdctl compaction ",
    "etcdctl snapshot save ",
    "etcdctl version",
    "load 50",
    "clear",
    "help",
];

/// Flags Tab completes after a command.
pub const FLAGS: &[&str] = &[
    "--prefix",
    "--keys-only",
    "--print-value-only",
    "--count-only",
    "--consistency=s",
    "--endpoints=",
    "--command-timeout=",
    "--rev=",
    "--limit=",
    "--from-key",
];

/// Candidates for Tab after `line`: commands at the start, then flags,
/// then the given keys and member names.
pub fn complete(line: &str, keys: &[String], members: &[String]) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let ends_space = line.ends_with(' ');
    let last = if ends_space { "" } else { words.last().copied().unwrap_or("") };
    let head = &line[..line.len() - last.len()];
    if words.len() <= 1 && !ends_space || (words.len() == 1 && words[0] == "etcdctl" && ends_space) {
        let start = line.trim_start();
        return COMMANDS
            .iter()
            .filter(|c| c.starts_with(start) && **c != start)
            .map(|c| c.to_string())
            .collect();
    }
    if words.len() == 2 && !ends_space && words[0] == "etcdctl" {
        return COMMANDS
            .iter()
            .filter_map(|c| c.strip_prefix("etcdctl "))
            .filter(|c| c.starts_with(last))
            .map(|c| format!("{head}{c}"))
            .collect();
    }
    if let Some(v) = last.strip_prefix("--endpoints=") {
        return members
            .iter()
            .filter(|m| m.starts_with(v))
            .map(|m| format!("{head}--endpoints={m}"))
            .collect();
    }
    if last.starts_with('-') {
        return FLAGS.iter().filter(|f| f.starts_with(last)).map(|f| format!("{head}{f}")).collect();
    }
    keys.iter().filter(|k| k.starts_with(last)).map(|k| format!("{head}{k}")).collect()
}

/// The longest common prefix of `items`.
pub fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else { return String::new() };
    let mut len = first.len();
    for s in &items[1..] {
        len = len.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    first[..len].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn completion_offers_commands_flags_and_keys() {
        assert_eq!(complete("etcdctl pu", &[], &[]), ["etcdctl put "]);
        assert_eq!(complete("etcdctl get foo --pre", &[], &[]), ["etcdctl get foo --prefix"]);
        assert_eq!(complete("etcdctl get f", &["foo".into(), "bar".into()], &[]), ["etcdctl get foo"]);
        assert_eq!(common_prefix(&["abc".into(), "abd".into()]), "ab");
    }
}
