//! etcdctl's commands: dispatch by path, and what every command shares (connect, check permissions, report server errors).

pub mod auth;
pub mod endpoint;
pub mod kv;
pub mod lease;
pub mod maintenance;
pub mod member;
pub mod perf;
pub mod remote;
pub mod snapshot;
pub mod sync;
pub mod txn;
pub mod watch;

use crate::client::Client;
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::printers::Format;

/// Runs the etcdctl command `p.path`.
pub(crate) fn dispatch(con: &mut Console, p: &Parsed, stdin: Option<&str>) -> Exec {
    con.client_log.clear();
    let outer = std::mem::take(&mut con.before);
    let mut ex = run(con, p, stdin);
    // What the command printed while it asked for input, then what the
    // client logged, then its own output.
    let mut out = std::mem::replace(&mut con.before, outer);
    let log = std::mem::take(&mut con.client_log);
    if !out.is_empty() || !log.is_empty() {
        out.eprint(log);
        out.append(std::mem::take(&mut ex.out));
        ex.out = out;
    }
    ex
}

fn run(con: &mut Console, p: &Parsed, stdin: Option<&str>) -> Exec {
    match p.path.as_str() {
        "get" => kv::get(con, p),
        "put" => kv::put(con, p, stdin),
        "del" => kv::del(con, p),
        "txn" => txn::run(con, p, stdin),
        "compaction" => maintenance::compaction(con, p),
        "watch" => watch::run(con, p, stdin),
        "lease grant" => lease::grant(con, p),
        "lease revoke" => lease::revoke(con, p),
        "lease timetolive" => lease::timetolive(con, p),
        "lease list" => lease::list(con, p),
        "lease keep-alive" => lease::keep_alive(con, p),
        "member add" => member::add(con, p),
        "member remove" => member::remove(con, p),
        "member update" => member::update(con, p),
        "member list" => member::list(con, p),
        "member promote" => member::promote(con, p),
        "endpoint health" => endpoint::health(con, p),
        "endpoint status" => endpoint::status(con, p),
        "endpoint hashkv" => endpoint::hashkv(con, p),
        "alarm list" => maintenance::alarm_list(con, p),
        "alarm disarm" => maintenance::alarm_disarm(con, p),
        "defrag" => maintenance::defrag(con, p),
        "move-leader" => maintenance::move_leader(con, p),
        "version" => maintenance::version(),
        "check perf" => maintenance::check_perf(con, p),
        "check datascale" => maintenance::check_datascale(con, p),
        "snapshot save" => snapshot::save(con, p),
        "snapshot status" => snapshot::status_deprecated(con, p),
        "snapshot restore" => snapshot::restore_deprecated(con, p),
        "lock" => sync::lock(con, p),
        "elect" => sync::elect(con, p),
        "make-mirror" if p.args.len() != 1 => bad_args("make-mirror takes one destination argument"),
        "make-mirror" => Output::error(
            "make-mirror needs a second cluster, which the playground does not have (not supported in the playground)",
            exit::BAD_FEATURE,
        )
        .into(),
        path if path.starts_with("auth ") || path.starts_with("user ") || path.starts_with("role ") => {
            auth::run(con, p)
        }
        other => Output::error(format!("{other}: not supported in the playground"), exit::BAD_FEATURE).into(),
    }
}

/// Sends a request on a simulated-cluster connection and takes the
/// response of the expected kind; any other outcome returns the printed
/// failure from the enclosing command.
macro_rules! send {
    ($conn:expr, $con:expr, $req:expr, $variant:path) => {
        match $conn.send($con, $req) {
            Ok($variant(r)) => r,
            Ok(other) => return $conn.unexpected(&other),
            Err(e) => return e,
        }
    };
}
pub(crate) use send;

/// A connected client: settings, authenticated user, serving member, time spent so far.
pub(crate) struct Conn {
    pub client: Client,
    pub user: Option<String>,
    /// The simulated member's ID (see `remote.rs`).
    pub endpoint: u64,
    /// The auth token from `Authenticate` on the simulated cluster.
    pub token: Option<String>,
    pub elapsed_ms: u64,
}

impl Conn {
    /// The output format.
    pub fn format(&self) -> Format {
        self.client.format
    }

    /// Successful output, with the time spent.
    pub fn ok(&self, out: Output) -> Exec {
        Exec::took(out, self.elapsed_ms)
    }

    /// etcdctl's printerUnsupported: `<format> not supported as output format` (exit 4).
    pub fn unsupported(&self) -> Exec {
        self.ok(Output::error(
            format!("{} not supported as output format", self.client.format_name),
            exit::BAD_FEATURE,
        ))
    }
}

/// `Error: <msg>` with ExitBadArgs (128).
pub(crate) fn bad_args(msg: impl std::fmt::Display) -> Exec {
    Output::error(msg, exit::BAD_ARGS).into()
}

/// Bytes printed raw as protobuf output.
pub(crate) fn protobuf_out(bytes: Vec<u8>) -> Output {
    Output::ok(String::from_utf8_lossy(&bytes).into_owned())
}
