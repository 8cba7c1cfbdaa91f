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

/// Wall-clock seconds one regression may take before it counts as a hang
/// (the campaign's watchdog, with room for an unoptimised build): a hang
/// found once fails here instead of holding the test run up for ever.
const HANG_S: u64 = 600;

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
        let (tx, rx) = std::sync::mpsc::channel();
        let case = r.case.clone();
        std::thread::spawn(move || {
            let _ = tx.send(play(&case, &|_| {}).failure);
        });
        match rx.recv_timeout(std::time::Duration::from_secs(HANG_S)) {
            Ok(None) => {}
            Ok(Some(f)) => failed.push(format!("{}: {f} (found as: {})", path.display(), r.found)),
            Err(_) => {
                failed.push(format!("{}: hangs (over {HANG_S} s) (found as: {})", path.display(), r.found))
            }
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
