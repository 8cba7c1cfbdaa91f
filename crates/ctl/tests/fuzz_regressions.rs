//! Every input the fuzz campaign (`tests/fuzz.rs`) ever failed on, minimized
//! and kept in `tests/fuzz/regressions/*.json`, played again: none may
//! panic, hang, exit outside 0..=255 or fail a checker now.

// Each test target uses part of the shared harness.
#[allow(dead_code)]
mod fuzz {
    pub mod r#gen;
    pub mod run;
}

use fuzz::run::{Regression, install_panic_hook, play, regressions_dir};

#[test]
fn every_fuzz_regression_passes() {
    install_panic_hook();
    let mut files: Vec<_> = std::fs::read_dir(regressions_dir())
        .expect("tests/fuzz/regressions exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut failed = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let r: Regression = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Some(f) = play(&r.case, &|_| {}).failure {
            failed.push(format!("{}: {f} (found as: {})", path.display(), r.found));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} regressions fail:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}
