//! `snapshot save` (and 3.5's deprecated `snapshot status|restore`), shared with etcdutl: files live in the virtual filesystem.

use mvcc::{Store, StoreConfig};
use sha2::{Digest, Sha256};

use super::bad_args;
use crate::VERSION;
use crate::client::Client;
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::printers::{Format, humanize_bytes, json, table};
use crate::stream::{Kind, Stream};
use crate::timefmt;

fn log_line(now: u64, caller: &str, msg: &str, extra: &[(&str, String)], logger: Option<&str>) -> String {
    let mut o = json::Obj::new().raw("level", "\"info\"").raw("ts", json::string(&timefmt::iso_ms(now)));
    if let Some(l) = logger {
        o = o.raw("logger", json::string(l));
    }
    o = o.raw("caller", json::string(caller)).raw("msg", json::string(msg));
    for (k, v) in extra {
        o = o.raw(k, v.clone());
    }
    format!("{}\n", o.end())
}

/// `snapshot save` when no connection can be made: without
/// `--command-timeout` the snapshot stream waits for one until Ctrl+C (etcd
/// 3.5 gives it no deadline); with it, the stream fails when it runs out.
fn dial_failed(con: &mut Console, p: &Parsed, client: &Client, created: String) -> Exec {
    if !p.is_set("command-timeout") {
        let out = Output { stderr: created, ..Output::default() };
        return Exec { out, elapsed_ms: 0, stream: Some(Stream::new(Kind::Dialing)) };
    }
    con.backend.advance(client.command_timeout_ms);
    let error =
        json::string(&format!("rpc error: code = DeadlineExceeded desc = {}", crate::client::DIAL_FAILED));
    let stack = json::string(&format!(
        "go.etcd.io/etcd/client/v3.(*Client).streamClientInterceptor.func1\n\tgo.etcd.io/etcd/client/v3@v{VERSION}/retry_interceptor.go:134\ngo.etcd.io/etcd/client/v3/snapshot.Save\n\tgo.etcd.io/etcd/client/v3@v{VERSION}/snapshot/v3_snapshot.go:72"
    ));
    let failed = json::Obj::new()
        .raw("level", "\"error\"")
        .raw("ts", json::string(&timefmt::iso_ms(con.backend.clock_ms())))
        .raw("logger", json::string("client"))
        .raw("caller", json::string(&format!("v3@v{VERSION}/retry_interceptor.go:134")))
        .raw("msg", json::string("streamer failed to create ClientStream"))
        .raw("error", error)
        .raw("stacktrace", stack)
        .end();
    let mut out = Output::fail(format!("{created}{failed}\n"), exit::INTERRUPTED);
    out.eprint("Error: context deadline exceeded\n");
    Exec::took(out, client.command_timeout_ms)
}

/// `snapshot save FILE`.
pub(crate) fn save(con: &mut Console, p: &Parsed) -> Exec {
    if p.args.len() != 1 {
        return bad_args("snapshot save expects one argument");
    }
    let client = match Client::from_flags(p, &con.vfs) {
        Ok(c) => c,
        Err(o) => return o.into(),
    };
    // mustClientCfgFromCmd asks for --user's password (before the endpoint count check).
    super::remote::ask_password(con, &client);
    if client.endpoints.len() != 1 {
        return Output::error(
            format!(
                "snapshot must be requested to one selected node, not multiple [{}]",
                client.endpoints.join(" ")
            ),
            exit::INTERRUPTED,
        )
        .into();
    }
    let path = p.args[0].clone();
    if !con.vfs.parent_exists(&path) || con.vfs.is_dir(&path) {
        let part = format!("{path}.part");
        let why = if con.vfs.is_dir(&path) { "is a directory" } else { "no such file or directory" };
        return Output::error(format!("could not open {part} (open {part}: {why})"), exit::INTERRUPTED)
            .into();
    }
    let now = con.backend.clock_ms();
    let created = log_line(
        now,
        "snapshot/v3_snapshot.go:65",
        "created temporary db file",
        &[("path", json::string(&format!("{path}.part")))],
        None,
    );
    let Some(member) = super::remote::pick(con, &client) else {
        return dial_failed(con, p, &client, created);
    };
    let bytes = match con.backend.call(member, server::Request::Snapshot, client.command_timeout_ms, None).0 {
        Ok(server::Response::Snapshot(r)) => r.blob,
        Ok(_) => return Output::error("unexpected response to Snapshot", exit::ERROR).into(),
        Err(e) => {
            return crate::client::server_error(now, &client.endpoint(), "Unknown", &e.to_string()).into();
        }
    };
    let ep = client.endpoint();
    let mv = format!("v3@v{VERSION}/maintenance.go");
    let mut err = String::new();
    err.push_str(&created);
    err.push_str(&log_line(
        now,
        &format!("{mv}:212"),
        "opened snapshot stream; downloading",
        &[],
        Some("client"),
    ));
    err.push_str(&log_line(
        now,
        "snapshot/v3_snapshot.go:73",
        "fetching snapshot",
        &[("endpoint", json::string(&ep))],
        None,
    ));
    err.push_str(&log_line(
        now + 5,
        &format!("{mv}:220"),
        "completed snapshot read; closing",
        &[],
        Some("client"),
    ));
    err.push_str(&log_line(
        now + 5,
        "snapshot/v3_snapshot.go:88",
        "fetched snapshot",
        &[
            ("endpoint", json::string(&ep)),
            ("size", json::string(&humanize_bytes(bytes.len() as u64))),
            ("took", json::string("now")),
        ],
        None,
    ));
    err.push_str(&log_line(
        now + 5,
        "snapshot/v3_snapshot.go:97",
        "saved",
        &[("path", json::string(&path))],
        None,
    ));
    con.vfs.write(&path, bytes);
    Exec::took(
        // etcdctl logs the download on stderr, then prints where it saved.
        Output { stdout: format!("Snapshot saved at {path}\n"), stderr: err, ..Output::default() }
            .stderr_first(),
        5,
    )
}

/// How a backup from the simulated cluster (`server::backup`) begins.
const SERVER_BACKUP_MAGIC: &[u8] = b"etcd-play-backup\n";

/// Whether `bytes` are a snapshot `restore` can use (either format).
fn valid_snapshot(bytes: &[u8]) -> bool {
    if bytes.starts_with(SERVER_BACKUP_MAGIC) {
        server::snapshot_status(bytes).is_ok()
    } else {
        Store::restore(bytes, StoreConfig::default()).is_ok()
    }
}

/// What `snapshot status` reports about a snapshot file.
pub(crate) struct SnapStatus {
    pub hash: u32,
    pub revision: i64,
    pub total_keys: usize,
    pub total_size: u64,
}

/// Reads a snapshot file's status, or etcd's error text.
pub(crate) fn read_status(con: &Console, path: &str) -> Result<SnapStatus, String> {
    let Some(bytes) = con.vfs.read(path) else {
        return Err(format!("stat {path}: no such file or directory"));
    };
    if bytes.starts_with(SERVER_BACKUP_MAGIC) {
        let st = server::snapshot_status(bytes).map_err(|e| e.to_string())?;
        return Ok(SnapStatus {
            hash: st.hash,
            revision: st.revision,
            total_keys: st.total_keys,
            total_size: st.total_size,
        });
    }
    let store = Store::restore(bytes, StoreConfig::default())
        .map_err(|e| format!("snapshot file integrity check failed: {e}"))?;
    let digest = Sha256::digest(bytes);
    let hash = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    let revision = store.current_revision();
    let total_keys = store.index().len() + 12;
    Ok(SnapStatus { hash, revision, total_keys, total_size: store.size() })
}

/// Prints a snapshot status in a format (etcdutl's printers).
pub(crate) fn print_status(s: &SnapStatus, format: Format, format_name: &str) -> Output {
    match format {
        Format::Simple => Output::ok(format!(
            "{:x}, {}, {}, {}\n",
            s.hash,
            s.revision,
            s.total_keys,
            humanize_bytes(s.total_size)
        )),
        Format::Table => Output::ok(table::render(
            &["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE"],
            &[vec![
                format!("{:x}", s.hash),
                s.revision.to_string(),
                s.total_keys.to_string(),
                humanize_bytes(s.total_size),
            ]],
        )),
        Format::Json => Output::ok(format!(
            "{{\"hash\":{},\"revision\":{},\"totalKey\":{},\"totalSize\":{}}}\n",
            s.hash, s.revision, s.total_keys, s.total_size
        )),
        Format::Fields => Output::ok(format!(
            "\"Hash\" : {}\n\"Revision\" : {}\n\"Keys\" : {}\n\"Size\" : {}\n",
            s.hash, s.revision, s.total_keys, s.total_size
        )),
        Format::Protobuf => {
            Output::error(format!("{format_name} not supported as output format"), exit::BAD_FEATURE)
        }
    }
}

/// etcdctl 3.5's deprecated `snapshot status`.
pub(crate) fn status_deprecated(con: &mut Console, p: &Parsed) -> Exec {
    let mut out = status(con, p);
    out.stderr.insert_str(0, "Deprecated: Use `etcdutl snapshot status` instead.\n\n");
    out.into()
}

/// `snapshot status FILE` (etcdutl).
pub(crate) fn status(con: &Console, p: &Parsed) -> Output {
    if p.args.len() != 1 {
        return Output::error("snapshot status requires exactly one argument", exit::BAD_ARGS);
    }
    // etcdutl stats the file before it looks at the output format.
    let file = &p.args[0];
    if !con.vfs.exists(file) {
        return Output::error(format!("stat {file}: no such file or directory"), exit::ERROR);
    }
    let name = p.get("write-out");
    let Some(format) = Format::parse(name) else {
        return Output::error("unsupported output format", exit::BAD_FEATURE);
    };
    match read_status(con, &p.args[0]) {
        Ok(s) => print_status(&s, format, name),
        Err(e) => Output::error(e, exit::ERROR),
    }
}

/// etcdctl 3.5's deprecated `snapshot restore`.
pub(crate) fn restore_deprecated(con: &mut Console, p: &Parsed) -> Exec {
    // etcdctl's --initial-memory-map-size defaults to 0 (etcdutl's to bbolt's 10 GiB).
    let mut out = restore(con, p, p.int("initial-memory-map-size").unsigned_abs());
    out.stderr.insert_str(0, "Deprecated: Use `etcdutl snapshot restore` instead.\n\n");
    out.into()
}

fn console_log(now: u64, caller: &str, msg: &str, fields: Option<String>) -> String {
    let mut s = format!("{}\tinfo\t{caller}\t{msg}", timefmt::rfc3339(now));
    if let Some(f) = fields {
        s.push('\t');
        s.push_str(&f);
    }
    s.push('\n');
    s
}

/// The WAL file of a restored data directory; the playground keeps the
/// restore's settings in it (name, token, members), for `cluster reset --data-dir`.
pub(crate) const WAL_FILE: &str = "0000000000000000-0000000000000000.wal";

/// `snapshot restore FILE --data-dir ...` (etcdutl): writes a data dir the playground can start from.
pub(crate) fn restore(con: &mut Console, p: &Parsed, mmap: u64) -> Output {
    if p.args.len() != 1 {
        return Output::error("snapshot restore requires exactly one argument", exit::BAD_ARGS);
    }
    // Both ways round, in etcdutl's words (which name the flag --revision-bump).
    if (p.int("bump-revision") > 0) != p.bool("mark-compacted") {
        return Output::error("--mark-compacted required if --revision-bump > 0", exit::BAD_ARGS);
    }
    let path = p.args[0].clone();
    let name = p.get("name").to_string();
    let data_dir =
        if p.get("data-dir").is_empty() { format!("{name}.etcd") } else { p.get("data-dir").to_string() };
    let initial_cluster = p.get("initial-cluster").to_string();
    let token = p.get("initial-cluster-token").to_string();
    let peer_urls = p.slice("initial-advertise-peer-urls");
    let mut members: Vec<(String, String)> = Vec::new();
    for part in initial_cluster.split(',').filter(|s| !s.is_empty()) {
        match part.split_once('=') {
            Some((n, u)) => members.push((n.to_string(), u.to_string())),
            None => return Output::error(format!("parse error: {part}"), exit::ERROR),
        }
    }
    if !members.iter().any(|(n, u)| n == &name && peer_urls.contains(u)) {
        return Output::error(
            format!(
                "--initial-cluster has {} but missing from --initial-advertise-peer-urls={} (couldn't find local name {:?} in the initial cluster configuration)",
                initial_cluster,
                peer_urls.join(","),
                name
            ),
            exit::ERROR,
        );
    }
    if con.vfs.exists(&data_dir) {
        return Output::error(format!("data-dir {data_dir:?} not empty or could not be read"), exit::ERROR);
    }
    let now = con.now_ms();
    let where_ = format!(
        "{{\"path\": {}, \"wal-dir\": {}, \"data-dir\": {}, \"snap-dir\": {}, \"initial-memory-map-size\": {mmap}}}",
        json::string(&path),
        json::string(&format!("{data_dir}/member/wal")),
        json::string(&data_dir),
        json::string(&format!("{data_dir}/member/snap"))
    );
    let mut err = console_log(now, "snapshot/v3_snapshot.go:265", "restoring snapshot", Some(where_.clone()));
    let Some(bytes) = con.vfs.read(&path).map(<[u8]>::to_vec) else {
        err.push_str(&format!("Error: open {path}: no such file or directory\n"));
        return Output::fail(err, exit::ERROR);
    };
    if !valid_snapshot(&bytes) && !p.bool("skip-hash-check") {
        err.push_str("Error: snapshot file integrity check failed\n");
        return Output::fail(err, exit::ERROR);
    }
    err.push_str(&console_log(
        now,
        "membership/store.go:138",
        "Trimming membership information from the backend...",
        None,
    ));
    let peer_ids: Vec<u64> =
        members.iter().map(|(_, u)| server::member_id(std::slice::from_ref(u), &token, 0)).collect();
    let cluster_id = server::cluster_id(&peer_ids);
    let local = members.iter().position(|(n, _)| n == &name).map(|i| peer_ids[i]).unwrap_or(0);
    for ((_, u), id) in members.iter().zip(&peer_ids) {
        err.push_str(&console_log(
            now,
            "membership/cluster.go:421",
            "added member",
            Some(format!(
                "{{\"cluster-id\": \"{cluster_id:x}\", \"local-member-id\": \"{local:x}\", \"added-peer-id\": \"{id:x}\", \"added-peer-peer-urls\": [{}], \"added-peer-is-learner\": false}}",
                json::string(u)
            )),
        ));
    }
    err.push_str(&console_log(now, "snapshot/v3_snapshot.go:293", "restored snapshot", Some(where_)));
    let mut meta = format!("name={name}\ntoken={token}\n");
    for (key, flag) in [
        ("bump", "bump-revision"),
        ("mark_compacted", "mark-compacted"),
        ("skip_hash_check", "skip-hash-check"),
    ] {
        if !p.get(flag).is_empty() {
            meta.push_str(&format!("{key}={}\n", p.get(flag)));
        }
    }
    for (n, u) in &members {
        meta.push_str(&format!("member={n}={u}\n"));
    }
    con.vfs.write(&format!("{data_dir}/member/snap/db"), bytes);
    con.vfs.write(&format!("{data_dir}/member/wal/{WAL_FILE}"), meta.into_bytes());
    Output::fail(err, exit::SUCCESS)
}
