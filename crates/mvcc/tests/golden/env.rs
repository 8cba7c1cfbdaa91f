//! The test environment: one store, a virtual clock, a saved snapshot, and
//! the dispatch from command names to handlers.

use mvcc::{Store, StoreConfig, StreamId, prefix_end};

use super::script::{Args, words};
use super::{kv_cmds, lease_cmds, snapshot_cmds, txn_cmds, watch_cmds};

/// Everything a script acts on.
pub struct Env {
    /// The store under test.
    pub store: Store,
    /// The virtual clock, in milliseconds, for leases.
    pub now_ms: u64,
    /// The last snapshot taken.
    pub snapshot: Vec<u8>,
    /// The stream watch commands use unless told otherwise.
    pub default_stream: Option<StreamId>,
}

/// Bare flags any command may take.
pub const FLAGS: &[&str] = &[
    "prefix",
    "from_key",
    "prev_kv",
    "ignore_value",
    "ignore_lease",
    "count_only",
    "keys_only",
    "noput",
    "nodelete",
    "progress_notify",
    "keys",
];

impl Env {
    /// A fresh store (max 128 txn ops, minimum lease TTL 2 s).
    pub fn new() -> Self {
        Env {
            store: Store::new(StoreConfig::default()),
            now_ms: 0,
            snapshot: Vec::new(),
            default_stream: None,
        }
    }

    /// Runs one command; returns its output lines.
    pub fn run(&mut self, cmd: &str, input: &[String]) -> Vec<String> {
        let ws = match words(cmd) {
            Ok(ws) => ws,
            Err(e) => return vec![format!("parse error: {e}")],
        };
        let Some((name, rest)) = ws.split_first() else { return vec![] };
        let name = String::from_utf8_lossy(name).to_string();
        let args = Args::parse(rest.to_vec(), FLAGS);
        let res = match name.as_str() {
            "put" => kv_cmds::put(self, &args),
            "get" => kv_cmds::get(self, &args),
            "del" => kv_cmds::del(self, &args),
            "compact" => kv_cmds::compact(self, &args),
            "hash" => kv_cmds::hash(self, &args),
            "size" => kv_cmds::size(self),
            "defrag" => kv_cmds::defrag(self),
            "dump" => kv_cmds::dump(self, &args),
            "history" => kv_cmds::history(self, &args),
            "txn" => txn_cmds::txn(self, input),
            "watch" => watch_cmds::watch(self, &args),
            "events" => watch_cmds::events(self, &args),
            "cancel" => watch_cmds::cancel(self, &args),
            "progress" => watch_cmds::progress(self, &args),
            "progress_notify" => watch_cmds::progress_notify(self),
            "stream" => watch_cmds::stream(self, &args),
            "lease" => lease_cmds::lease(self, &args),
            "clock" => lease_cmds::clock(self, &args),
            "snapshot" => snapshot_cmds::snapshot(self, &args),
            "restore" => snapshot_cmds::restore(self),
            other => Err(format!("unknown command {other}")),
        };
        res.unwrap_or_else(|e| vec![e])
    }
}

/// The `(key, range_end)` of a command: the first word, then `end=E`,
/// `prefix` or `from_key`.
pub fn key_range(args: &Args) -> Result<(Vec<u8>, Vec<u8>), String> {
    let key = args.pos.first().cloned().ok_or("missing key")?;
    if args.has("prefix") {
        if key.is_empty() {
            return Ok((vec![0], vec![0]));
        }
        let end = prefix_end(&key);
        return Ok((key, end));
    }
    if args.has("from_key") {
        return Ok((key, vec![0]));
    }
    Ok((key, args.bytes("end").unwrap_or_default()))
}

/// An error value as a line.
pub fn err(e: mvcc::Error) -> String {
    format!("error: {e}")
}
