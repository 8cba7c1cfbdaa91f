//! What etcdctl's `mustClientFromCmd` does before a request: global flags and `ETCDCTL_*`, output format, TLS files, auth; then reaching a member.
//!
//! A failed request prints what etcdctl 3.5 prints: the client's zap warning
//! (`retrying of unary invoker failed`, compared by level and msg only) and
//! `Error: <etcd's message>`.

use slim::VecMap;

use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::pki;
use crate::printers::Format;
use crate::timefmt;
use crate::vfs::Vfs;

/// The global settings a command runs with.
#[derive(Clone, Debug)]
pub struct Client {
    /// `--endpoints`.
    pub endpoints: Vec<String>,
    /// `-w`.
    pub format: Format,
    /// `-w` as given (for error texts).
    pub format_name: String,
    /// `--hex`.
    pub hex: bool,
    /// `--command-timeout` in ms.
    pub command_timeout_ms: u64,
    /// `--dial-timeout` in ms.
    pub dial_timeout_ms: u64,
    /// The user to authenticate as (`--user`), if any.
    pub user: Option<String>,
    /// Its password (`--password`, or after the `:` of `--user`); `None`:
    /// etcdctl asks for it (`Password: `).
    pub password: Option<String>,
    /// The TLS settings etcd's `TLSInfo.ClientConfig` built from `--cert`,
    /// `--key`, `--cacert`, `--insecure-skip-tls-verify` and
    /// `--insecure-transport=false` (`None`: none given: plain http).
    pub tls: Option<pki::ClientTls>,
}

/// A failed request: what to print and how long it took in virtual time.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The output (stderr and exit code).
    pub out: Output,
    /// Virtual milliseconds spent.
    pub elapsed_ms: u64,
}

/// What the client's balancer says when no connection could be made.
pub const DIAL_FAILED: &str = "latest balancer error: all SubConns are in TransientFailure";

/// The zap warning etcd's client logs when a unary call fails.
pub fn retry_warning(now_ms: u64, endpoint: &str, code: &str, desc: &str) -> String {
    format!(
        "{{\"level\":\"warn\",\"ts\":\"{}\",\"logger\":\"etcd-client\",\"caller\":\"v3@v{}/retry_interceptor.go:62\",\"msg\":\"retrying of unary invoker failed\",\"target\":\"etcd-endpoints://0xc000238000/{}\",\"attempt\":0,\"error\":\"rpc error: code = {} desc = {}\"}}\n",
        timefmt::iso_ms(now_ms),
        crate::VERSION,
        authority(endpoint),
        code,
        desc.replace('"', "\\\"")
    )
}

/// An endpoint without its scheme, as clientv3 names its gRPC target.
fn authority(endpoint: &str) -> &str {
    endpoint.split_once("://").map_or(endpoint, |(_, rest)| rest)
}

/// A server error as etcdctl prints it (warning, then `Error: msg`), exit 1.
/// clientv3 turns only rpctypes' own texts back into etcd errors; any other
/// (`Unknown`) is printed as the gRPC status it came as.
pub fn server_error(now_ms: u64, endpoint: &str, code: &str, msg: &str) -> Output {
    let mut out = Output::fail(retry_warning(now_ms, endpoint, code, msg), exit::ERROR);
    if code == "Unknown" {
        out.eprint(format!("Error: rpc error: code = Unknown desc = {msg}\n"));
    } else {
        out.eprint(format!("Error: {msg}\n"));
    }
    out
}

/// The gRPC code a member's error travels with: etcd's `togRPCError` table
/// (`api/v3rpc/rpctypes/error.go`); an error outside it is `Unknown`.
pub fn grpc_code(e: &server::Error) -> &'static str {
    use mvcc::Error as M;
    use server::Error as E;
    match e {
        E::Mvcc(m) => match m {
            M::Compacted | M::FutureRev | M::LeaseTtlTooLarge => "OutOfRange",
            M::LeaseNotFound => "NotFound",
            M::LeaseExists => "FailedPrecondition",
            M::EmptyKey
            | M::KeyNotFound
            | M::ValueProvided
            | M::LeaseProvided
            | M::TooManyOps
            | M::DuplicateKey => "InvalidArgument",
            _ => "Unknown",
        },
        E::DeadlineExceeded => "DeadlineExceeded",
        E::Canceled => "Canceled",
        E::NoLeader
        | E::LeaderChanged
        | E::Stopped
        | E::Timeout
        | E::TimeoutDueToLeaderFail
        | E::TimeoutDueToConnectionLost
        | E::Unhealthy
        | E::NotSupportedForLearner => "Unavailable",
        E::NoSpace | E::TooManyRequests => "ResourceExhausted",
        E::Corrupt => "DataLoss",
        E::MemberNotFound => "NotFound",
        E::MemberBadUrls
        | E::RequestTooLarge
        | E::UserEmpty
        | E::RoleEmpty
        | E::AuthFailed
        | E::PermissionNotGiven
        | E::InvalidAuthMgmt
        | E::AuthOldRevision => "InvalidArgument",
        E::PermissionDenied => "PermissionDenied",
        E::InvalidAuthToken => "Unauthenticated",
        E::NotLeader
        | E::BadLeaderTransferee
        | E::MemberExists
        | E::PeerUrlExists
        | E::NotEnoughStartedMembers
        | E::MemberNotLearner
        | E::LearnerNotReady
        | E::TooManyLearners
        | E::RootUserNotExist
        | E::RootRoleNotExist
        | E::UserAlreadyExist
        | E::UserNotFound
        | E::RoleAlreadyExist
        | E::RoleNotFound
        | E::RoleNotGranted
        | E::PermissionNotGranted
        | E::AuthNotEnabled => "FailedPrecondition",
        E::TimeoutLeaderTransfer | E::Snapshot(_) => "Unknown",
    }
}

/// Server-side text of an mvcc error (gRPC adds `etcdserver: ` to mvcc's own).
pub fn etcd_message(e: &mvcc::Error) -> String {
    let s = e.to_string();
    if s.starts_with("etcdserver: ") { s } else { format!("etcdserver: {s}") }
}

impl Client {
    /// Reads the global flags (after `ETCDCTL_*` were applied) and checks what
    /// etcdctl checks when it builds its client: format, TLS files, user.
    pub fn from_flags(p: &Parsed, vfs: &Vfs) -> Result<Client, Output> {
        // keyAndCertFromCmd: a TLS file flag given empty is refused, in this order.
        for f in ["cert", "key", "cacert"] {
            if p.is_set(f) && p.get(f).is_empty() {
                return Err(Output::error(format!("empty string is passed to --{f} option"), exit::BAD_ARGS));
            }
        }
        // initDisplayFromCmd comes after the TLS flags.
        let format_name = p.get("write-out").to_string();
        let format = Format::parse(&format_name)
            .ok_or_else(|| Output::error("unsupported output format", exit::BAD_FEATURE))?;
        let skip_verify = p.bool("insecure-skip-tls-verify");
        let given = ["cert", "key", "cacert"].iter().any(|f| !p.get(f).is_empty());
        // `--insecure-transport=false` alone asks for TLS with the system's roots;
        // `--insecure-skip-tls-verify` only loosens a TLS config made so (alone,
        // plain http stays plain).
        let secure = !p.bool("insecure-transport");
        let tls = if given || secure {
            let tls = pki::ClientTls::load(vfs, p.get("cert"), p.get("key"), p.get("cacert"), skip_verify)
                .map_err(|e| Output::error(e, exit::BAD_ARGS))?;
            Some(tls)
        } else {
            None
        };
        // etcdctl's authCfgFromCmd: a non-empty --password takes --user
        // whole (a `:` in it included); otherwise NAME:PASSWORD, or a prompt.
        let (user, password) = match (p.get("user"), p.get("password")) {
            ("", _) => (None, None),
            (u, "") => match u.split_once(':') {
                Some((n, pw)) => (Some(n.to_string()), Some(pw.to_string())),
                None => (Some(u.to_string()), None),
            },
            (u, pw) => (Some(u.to_string()), Some(pw.to_string())),
        };
        Ok(Client {
            endpoints: p.slice("endpoints"),
            format,
            format_name,
            hex: p.bool("hex"),
            command_timeout_ms: p.duration_ms("command-timeout"),
            dial_timeout_ms: p.duration_ms("dial-timeout"),
            user,
            password,
            tls,
        })
    }

    /// The first endpoint, as the client shows it.
    pub fn endpoint(&self) -> String {
        self.endpoints.first().cloned().unwrap_or_default()
    }

    /// Whether the client speaks TLS to `endpoint`: `https://`, or no scheme
    /// and TLS settings given (clientv3's rule).
    pub fn speaks_tls(&self, endpoint: &str) -> bool {
        endpoint.starts_with("https://") || (!endpoint.starts_with("http://") && self.tls.is_some())
    }

    /// No endpoint answered (down, wrong scheme, a failed TLS handshake): what
    /// etcdctl prints once its command timeout, counted from `now_ms`, runs
    /// out. etcd 3.4.23's balancer names no cause (tests/golden/tls: recorded
    /// for each of them).
    pub fn dial_failure(&self, now_ms: u64) -> Failure {
        let ep = self.endpoint();
        self.deadline(now_ms + self.command_timeout_ms, &ep, DIAL_FAILED)
    }

    fn deadline(&self, at_ms: u64, ep: &str, why: &str) -> Failure {
        let mut out = Output::fail(retry_warning(at_ms, ep, "DeadlineExceeded", why), exit::ERROR);
        out.eprint("Error: context deadline exceeded\n");
        Failure { out, elapsed_ms: self.command_timeout_ms }
    }
}

/// etcd 3.5's pkg/flags `SetPflagsFromEnv` for etcdctl's global flags:
/// `ETCDCTL_<FLAG>` sets a flag the line did not set (a value the flag
/// refuses is ignored: etcdctl drops the error); then every variable is
/// checked in order: one shadowed by a flag given on the line is fatal,
/// another `ETCDCTL_*` it does not know is logged as unrecognized. Both are
/// zap JSON lines on stderr (3.4 printed capnslog's). `watch` knows
/// `ETCDCTL_WATCH_KEY` and `ETCDCTL_WATCH_RANGE_END`; main has unset
/// `ETCDCTL_API`.
pub fn apply_env(
    p: &mut Parsed,
    spec: &crate::spec::Spec,
    env: &VecMap<String, String>,
    now_ms: u64,
) -> Result<String, Output> {
    let key_of = |name: &str| format!("ETCDCTL_{}", name.to_uppercase().replace('-', "_"));
    let mut used: Vec<String> = vec!["ETCDCTL_API".to_string()];
    if p.path == "watch" {
        used.extend(["ETCDCTL_WATCH_KEY".to_string(), "ETCDCTL_WATCH_RANGE_END".to_string()]);
    }
    let mut shadowed = Vec::new();
    for f in &spec.global {
        let key = key_of(&f.name);
        if p.is_set(&f.name) {
            shadowed.push(key);
            continue;
        }
        let Some(val) = env.get(&key).filter(|v| !v.is_empty()) else { continue };
        used.push(key);
        if crate::flags::set(p, f, val).is_ok() {
            p.changed.remove(&f.name);
        }
    }
    let log = |level: &str, caller: u32, msg: &str, var: &str| {
        format!(
            "{{\"level\":\"{level}\",\"ts\":\"{}\",\"caller\":\"flags/flag.go:{caller}\",\"msg\":\"{msg}\",\"environment-variable\":{}{}}}\n",
            timefmt::zap_us(now_ms),
            crate::printers::json::string(var),
            if level == "fatal" {
                ",\"stacktrace\":\"go.etcd.io/etcd/pkg/v3/flags.verifyEnv\\n\\tgo.etcd.io/etcd/pkg/v3@v3.5.33/flags/flag.go:85\\ngo.etcd.io/etcd/pkg/v3/flags.SetPflagsFromEnv\\n\\tgo.etcd.io/etcd/pkg/v3@v3.5.33/flags/flag.go:63\\ngo.etcd.io/etcd/etcdctl/v3/ctlv3/command.clientConfigFromCmd\\n\\tgo.etcd.io/etcd/etcdctl/v3/ctlv3/command/global.go:129\""
            } else {
                ""
            }
        )
    };
    let mut warnings = String::new();
    for (k, v) in env.iter() {
        if used.contains(k) {
            continue;
        }
        if shadowed.contains(k) {
            warnings.push_str(&log(
                "fatal",
                85,
                "conflicting environment variable is shadowed by corresponding command-line flag (either unset environment variable or disable flag))",
                k,
            ));
            return Err(Output::fail(warnings, exit::ERROR));
        }
        if k.starts_with("ETCDCTL_") {
            warnings.push_str(&log("warn", 93, "unrecognized environment variable", &format!("{k}={v}")));
        }
    }
    Ok(warnings)
}
