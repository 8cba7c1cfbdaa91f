//! What the datadriven transcript tests share.

use ctl::Console;

/// Runs the case's entry (its first line, then any heredoc lines) to its
/// end, as the REPL does: both streams in the order written, then
/// `[exit N]` when it failed.
pub fn run_case(con: &mut Console, tc: &datadriven::TestCase) -> String {
    let mut entry = tc.raw_cmd.clone();
    for l in &tc.input {
        entry.push('\n');
        entry.push_str(l);
    }
    let out = con.run_to_end(&entry);
    let mut s: String = out.chunks().into_iter().map(|(_, t)| t).collect();
    if out.exit != 0 {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&format!("[exit {}]\n", out.exit));
    }
    s
}
