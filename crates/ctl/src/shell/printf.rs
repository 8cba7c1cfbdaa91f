//! `printf FORMAT [ARG]...` (bash's builtin: `%s`, `%d`, `%%`, widths, backslash escapes, the format reused while arguments remain) and `seq`.
//!
//! ```text
//!   printf 'a\nb\n' > f          -> f holds two lines
//!   printf '%s=%d\n' x 1 y 2     -> "x=1\ny=2\n"
//!   seq 3                        -> "1\n2\n3\n"
//! ```

use crate::output::Output;

/// bash's `printf`.
pub(super) fn printf(args: &[String]) -> Output {
    let Some((format, mut rest)) = args.split_first() else {
        return Output::fail("bash: printf: usage: printf [-v var] format [arguments]\n", 2);
    };
    let mut out = Output::default();
    let mut text = String::new();
    loop {
        let used = format_once(format, rest, &mut text, &mut out);
        rest = &rest[used.min(rest.len())..];
        if used == 0 || rest.is_empty() {
            break;
        }
    }
    out.print(text);
    out
}

/// One pass of the format; returns how many arguments it used.
fn format_once(format: &str, args: &[String], text: &mut String, out: &mut Output) -> usize {
    let chars: Vec<char> = format.chars().collect();
    let mut used = 0;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                i += 1;
                match chars.get(i) {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('r') => text.push('\r'),
                    Some('\\') => text.push('\\'),
                    Some('"') => text.push('"'),
                    Some('a') => text.push('\x07'),
                    Some('0') => text.push('\0'),
                    Some(&c) => {
                        text.push('\\');
                        text.push(c);
                    }
                    None => text.push('\\'),
                }
            }
            '%' => {
                i += 1;
                let mut spec = String::new();
                while let Some(&c) = chars.get(i).filter(|c| c.is_ascii_digit() || matches!(c, '-' | '.')) {
                    spec.push(c);
                    i += 1;
                }
                let Some(&conv) = chars.get(i) else {
                    text.push('%');
                    text.push_str(&spec);
                    break;
                };
                let arg = || args.get(used).map(String::as_str).unwrap_or("");
                let value = match conv {
                    '%' => "%".to_string(),
                    's' | 'b' => {
                        let a = arg().to_string();
                        used += 1;
                        a
                    }
                    'd' | 'i' => {
                        let a = arg();
                        used += 1;
                        match a.trim().parse::<i64>() {
                            Ok(n) => n.to_string(),
                            Err(_) if a.is_empty() => "0".to_string(),
                            Err(_) => {
                                out.eprintln(format!("bash: printf: {a}: invalid number"));
                                out.exit = 1;
                                "0".to_string()
                            }
                        }
                    }
                    c => {
                        out.eprintln(format!("bash: printf: `{c}': invalid format character"));
                        out.exit = 1;
                        return usize::MAX;
                    }
                };
                text.push_str(&pad(&spec, &value));
            }
            c => text.push(c),
        }
        i += 1;
    }
    used
}

/// `value` padded as the width in `spec` says (`-` pads on the right).
fn pad(spec: &str, value: &str) -> String {
    let left = spec.starts_with('-');
    // A width past what a console line could show is cut there.
    let width: usize =
        spec.trim_start_matches('-').split('.').next().and_then(|w| w.parse().ok()).unwrap_or(0).min(10_000);
    let n = value.chars().count();
    if n >= width {
        return value.to_string();
    }
    let fill = " ".repeat(width - n);
    if left { format!("{value}{fill}") } else { format!("{fill}{value}") }
}

/// `seq [FIRST [INCREMENT]] LAST`, integers only.
pub(super) fn seq(args: &[String]) -> Output {
    let nums: Result<Vec<i64>, &String> = args.iter().map(|a| a.parse::<i64>().map_err(|_| a)).collect();
    let nums = match nums {
        Ok(n) => n,
        Err(a) => {
            return Output::fail(
                format!(
                    "seq: invalid floating point argument: '{a}'\nTry 'seq --help' for more information.\n"
                ),
                1,
            );
        }
    };
    let (first, inc, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, i, l] => (*f, *i, *l),
        [] => return Output::fail("seq: missing operand\nTry 'seq --help' for more information.\n", 1),
        _ => {
            return Output::fail(
                format!("seq: extra operand '{}'\nTry 'seq --help' for more information.\n", args[3]),
                1,
            );
        }
    };
    if inc == 0 {
        return Output::fail(
            "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n",
            1,
        );
    }
    let mut out = String::new();
    let mut n = first;
    // At most a million lines: the console is not a place for more.
    for _ in 0..1_000_000 {
        if (inc > 0 && n > last) || (inc < 0 && n < last) {
            break;
        }
        out.push_str(&n.to_string());
        out.push('\n');
        n = n.saturating_add(inc);
    }
    Output::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> String {
        printf(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).stdout
    }

    #[test]
    fn formats() {
        assert_eq!(p(&["a\\nb\\n"]), "a\nb\n");
        assert_eq!(p(&["%s=%d\\n", "x", "1", "y", "2"]), "x=1\ny=2\n");
        assert_eq!(p(&["[%5s|%-3s]", "ab", "c"]), "[   ab|c  ]");
        assert_eq!(p(&["100%%\\n"]), "100%\n");
        assert_eq!(seq(&["3".to_string()]).stdout, "1\n2\n3\n");
        assert_eq!(seq(&["5".into(), "-2".into(), "1".into()]).stdout, "5\n3\n1\n");
    }
}
