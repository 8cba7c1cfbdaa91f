//! `etcdplay`: the playground's console in a terminal: `etcdplay [--nodes N] [--seed S] [--plain] [--bare] [--protobuf] [--jsonl]`
//! (`--plain`: etcd over http without TLS; `--bare`: etcd without the kubeadm cluster's objects;
//! `--protobuf`: store them as protobuf).
//!
//! Reads one console entry per line (a heredoc or a trailing backslash
//! continues over the following lines), runs it against the simulated
//! cluster and prints what the browser console shows; with `--jsonl`, one
//! `{"input","stdout","stderr","exit"}` object per entry.

use std::io::{BufRead, Write};

use ctl::{Console, ConsoleOptions};

fn main() {
    let mut options = ConsoleOptions::default();
    let mut seed = 1u64;
    let mut jsonl = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--jsonl" => jsonl = true,
            // A kubeadm node serves TLS by default; --plain is a bare etcd over http.
            "--tls" => options.tls = true,
            "--plain" => options.tls = false,
            "--bare" => options.kubernetes = false,
            "--protobuf" => options.protobuf = true,
            "--nodes" | "--seed" if i + 1 < args.len() => {
                let v = &args[i + 1];
                let ok = if args[i] == "--nodes" {
                    v.parse().map(|n| options.nodes = n).is_ok()
                } else {
                    v.parse().map(|s| seed = s).is_ok()
                };
                if !ok {
                    eprintln!("etcdplay: bad value {v:?} for {}", args[i]);
                    std::process::exit(2);
                }
                i += 1;
            }
            "-h" | "--help" => {
                println!("usage: etcdplay [--nodes N] [--seed S] [--plain] [--bare] [--protobuf] [--jsonl]");
                return;
            }
            other => {
                eprintln!(
                    "etcdplay: unknown argument {other:?}\nusage: etcdplay [--nodes N] [--seed S] [--plain] [--bare] [--protobuf] [--jsonl]"
                );
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let mut console = Console::new(seed, options);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut pending = String::new();
    let interactive = !jsonl;
    if interactive {
        let _ = write!(out, "$ ");
        let _ = out.flush();
    }
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if !pending.is_empty() {
            pending.push('\n');
        }
        pending.push_str(&line);
        if Console::needs_more(&pending) {
            if interactive {
                let _ = write!(out, "> ");
                let _ = out.flush();
            }
            continue;
        }
        let input = std::mem::take(&mut pending);
        let result = console.run_to_end(&input);
        if jsonl {
            let _ = writeln!(out, "{}", result.to_jsonl(&input));
        } else {
            if result.clear {
                let _ = write!(out, "\x1b[2J\x1b[H");
            }
            print_in_order(&mut out, &result);
            let _ = write!(out, "$ ");
        }
        let _ = out.flush();
    }
    if !pending.is_empty() {
        let result = console.run_to_end(&pending);
        if jsonl {
            let _ = writeln!(out, "{}", result.to_jsonl(&pending));
        } else {
            print_in_order(&mut out, &result);
        }
    }
}

/// Prints both streams in the order the command wrote them.
fn print_in_order(out: &mut impl Write, result: &ctl::Output) {
    for (err, text) in result.chunks() {
        if err {
            let _ = out.flush();
            eprint!("{text}");
        } else {
            let _ = write!(out, "{text}");
        }
    }
    let _ = out.flush();
}
