//! Running child processes: the repository root, PATH with the installed
//! tools, and commands whose output is both shown and kept.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

/// What an xtask step returns: `Err` carries a message for the user.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repo").to_path_buf()
}

/// `~/.cargo/bin` (or `$CARGO_HOME/bin`), where `cargo install` puts tools.
pub fn cargo_bin() -> PathBuf {
    match std::env::var_os("CARGO_HOME") {
        Some(home) => PathBuf::from(home).join("bin"),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin"),
    }
}

/// The npm-installed tools (Playwright, binaryen's wasm-opt).
pub fn node_bin() -> PathBuf {
    root().join("tests/e2e/node_modules/.bin")
}

/// PATH with cargo's and npm's tool folders first, so Trunk finds the pinned
/// wasm-bindgen and wasm-opt and never downloads its own.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![cargo_bin(), node_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries have no separators")
}

/// A command run from the repository root with [`tool_path`].
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(root()).env("PATH", tool_path());
    command
}

/// Runs `command`, letting it print as it goes; fails unless it exits 0.
pub fn status(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    eprintln!("\x1b[1m$ {}\x1b[0m", describe(command));
    let status = command.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{} failed ({status})", describe(command))) }
}

/// Runs `command`, showing its output as it goes and also returning it.
/// Returns the output and whether it exited 0.
pub fn tee(command: &mut Command) -> Result<(String, bool)> {
    eprintln!("\x1b[1m$ {}\x1b[0m", describe(command));
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", describe(command)))?;
    let stderr = child.stderr.take().expect("piped");
    let err_thread = thread::spawn(move || {
        let mut kept = String::new();
        for line in BufReader::new(stderr).lines().map_while(std::result::Result::ok) {
            eprintln!("{line}");
            kept.push_str(&line);
            kept.push('\n');
        }
        kept
    });
    let mut kept = String::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines().map_while(std::result::Result::ok)
    {
        println!("{line}");
        kept.push_str(&line);
        kept.push('\n');
    }
    kept.push_str(&err_thread.join().unwrap_or_default());
    let ok = child.wait().map_err(|e| e.to_string())?.success();
    Ok((kept, ok))
}

/// The output of a command, or `None` when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
