//! Golden transcripts of member-level scenarios: `testdata/*.txt`, each a
//! list of commands with their expected output (`REWRITE=1` regenerates
//! them). The language is in `harness/script.rs`.

mod harness {
    pub mod cluster;
    pub mod render;
    pub mod script;
}

use harness::script;

use std::path::Path;

/// Parses a transcript into (command, expected) pairs, keeping comments.
fn run_file(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut env = script::Env::default();
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let cmd = line.to_string();
        // Skip the separator and the old expected output.
        if lines.peek() == Some(&"----") {
            lines.next();
            while let Some(l) = lines.peek() {
                if l.is_empty() {
                    break;
                }
                lines.next();
            }
        }
        let got = env.run(&cmd);
        out.push_str(&format!("{cmd}\n----\n{got}\n"));
    }
    (text, out)
}

#[test]
fn transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let rewrite = std::env::var("REWRITE").is_ok_and(|v| v == "1");
    let mut failed = Vec::new();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "txt")) {
        let (want, got) = run_file(f);
        if rewrite {
            std::fs::write(f, &got).unwrap();
        } else if want != got {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
                if a != b {
                    eprintln!("{name}:{}:\n  want: {a}\n  got:  {b}", i + 1);
                    break;
                }
            }
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "transcripts differ (REWRITE=1 to regenerate): {failed:?}");
}
