//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! ```text
//! cargo xtask serve [--dev]   set up what is missing, serve on http://127.0.0.1:8080
//! cargo xtask test            set up what is missing, run every test layer
//! cargo xtask dist            build the release site into dist/, with .br and .gz copies
//! cargo xtask size            build the release site, print sizes raw, gzip and brotli
//! cargo xtask bench-load [--base REV]   load times of this tree and of REV, side by side
//! cargo xtask setup           only install what is missing
//! cargo xtask sim --seeds N [--start S] [--nodes K]   the simulator's swarm
//! cargo xtask fuzz --inputs N [--seed S] [--jobs J]   the console's fuzz campaign
//! ```

mod bench;
mod compress;
mod fuzz;
mod run;
mod setup;
mod sim;
mod site;
mod test;
#[cfg(test)]
mod tidy;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["setup"] => setup::ensure(setup::Needs::Browser),
        ["serve"] => site::serve(site::Profile::Release),
        ["serve", "--dev"] => site::serve(site::Profile::Dev),
        ["dist"] => site::dist().map(drop),
        ["size"] => site::size(),
        ["bench-load", rest @ ..] => bench::load(rest),
        ["test"] => test::all(),
        ["e2e"] => test::e2e_only(),
        ["sim", rest @ ..] => sim::swarm(rest),
        ["fuzz", rest @ ..] => fuzz::campaign(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve [--dev] | test | e2e | dist | size | bench-load [--base REV] | setup | sim --seeds N | fuzz --inputs N>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}
