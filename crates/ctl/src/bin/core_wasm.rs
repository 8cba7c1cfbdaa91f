//! The core crates alone, built for wasm: the size the page's wasm could
//! never go below while it runs the console language.
//!
//! `cargo xtask size` builds this (feature `core-wasm`) for `wasm32-unknown-unknown` with the
//! release profile, runs it through `wasm-opt -Oz` as Trunk does, and
//! prints its gzip size beside the page's. The difference is what the page
//! adds: Leptos, the drawing, the browser glue.
//!
//! ```text
//!   page wasm = core (ctl, kube, sim, server, raft, mvcc, std)  + UI
//!               ^ this program keeps all of it alive              ^ not here
//! ```
//!
//! Nothing here is reachable from a constant: every input goes through
//! `black_box`, so the optimiser must keep every command, flag and printer
//! that a typed line could reach, as it must in the page.

use std::hint::black_box;

use ctl::{Console, ConsoleOptions};

fn main() {
    let lines: &[&str] = black_box(&["etcdctl put foo bar", "kubectl get pods -A"]);
    let mut console = Console::new(black_box(1), ConsoleOptions::default());
    console.set_page_mode(black_box(true));
    for (tab, line) in lines.iter().enumerate() {
        black_box(console.run_line_in(black_box(tab), line));
        black_box(console.complete(line));
        black_box(console.poll_tabs(black_box(100)));
        black_box(console.interrupt_in(tab));
    }
}
