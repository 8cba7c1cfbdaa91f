//! The fuzz campaign's generators: console entries that know the grammar
//! (etcdctl's command tree and flags from its own usage texts, etcdutl,
//! kubectl with YAML manifests, the shell with quoting, pipes,
//! redirections and heredocs, `cluster` lines), raw bytes, mutations of
//! the golden corpus's lines and of snapshot files.
//!
//! ```text
//!   Rng ──► Gen::pick ──► Step::Line("etcdctl get --prefix 'a b' -w json")
//!                     └─► Step::File("/root/m.db", mutated snapshot bytes) + a Line using it
//! ```

use ctl::spec::{FlagKind, Spec};
use raft::Rng;
use serde::{Deserialize, Serialize};

/// One thing a fuzz session does to its console.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// A console entry (may span lines: a heredoc).
    Line(String),
    /// A console entry typed into tab `0`, `1` or `2` (page mode).
    Tab(usize, String),
    /// Ctrl+C in the active tab.
    Interrupt,
    /// Virtual time passes (page mode: the page's frames).
    Poll(u64),
    /// Copies file `from` to `to` with bytes flipped, cut and inserted, as
    /// `mutate_bytes(seed)` decides (a mutated snapshot file).
    MutateFile {
        /// The file to copy (a snapshot the session saved).
        from: String,
        /// The mutated copy.
        to: String,
        /// The mutation's seed.
        seed: u64,
        /// The mutation is made inside a backup's MVCC snapshot or auth
        /// store and both sha256 seals are recomputed, so it gets past the
        /// integrity checks to the decoders ([`reseal_backup`]).
        #[serde(default)]
        reseal: bool,
    },
    /// Bytes handed straight to one of the core's decoders.
    Wire(Wire, Vec<u8>),
    /// A saved session or a share link's text (after URI decoding, which
    /// the browser does): decoded by `ctl::session` and, if it reads,
    /// replayed on the console as the page's `Engine::restore` does.
    Session(String),
    /// A session as the page records it: written as text, it must read
    /// back the same; then replayed as [`Step::Session`] is.
    Record(Record),
}

/// A `ctl::session::Session`, in a form a regression file can hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub seed: u64,
    pub members: u64,
    pub clock_ms: u64,
    pub view_ms: u64,
    pub speed: f64,
    pub paused: bool,
    /// `(at_ms, tab, act)`.
    pub entries: Vec<(u64, usize, RecordAct)>,
}

/// A `ctl::session::Act`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RecordAct {
    Line(String),
    Interrupt,
    Clear,
    Step,
    File(String, Vec<u8>),
    Manifest(String),
}

impl Record {
    /// The session it stands for.
    pub fn session(&self) -> ctl::session::Session {
        use ctl::session::{Act, Entry};
        let entries = self
            .entries
            .iter()
            .map(|(at_ms, tab, act)| Entry {
                at_ms: *at_ms,
                tab: *tab,
                act: match act {
                    RecordAct::Line(l) => Act::Line(l.clone()),
                    RecordAct::Interrupt => Act::Interrupt,
                    RecordAct::Clear => Act::Clear,
                    RecordAct::Step => Act::Step,
                    RecordAct::File(p, b) => Act::File(p.clone(), b.clone()),
                    RecordAct::Manifest(m) => Act::Manifest(m.clone()),
                },
            })
            .collect();
        ctl::session::Session {
            seed: self.seed,
            members: self.members,
            // Half the records serve TLS, by the seed's low bit (so the
            // generator's stream, and every kept regression, stays as it was).
            tls: self.seed & 1 == 1,
            entries,
            clock_ms: self.clock_ms,
            view_ms: self.view_ms,
            speed: self.speed,
            paused: self.paused,
        }
    }
}

/// The decoders a [`Step::Wire`] reaches, each fed mutations of valid
/// encodings of its own type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Wire {
    /// `mvcc::Store::from_image`: an MVCC snapshot's body (no seal).
    StoreImage,
    /// `server::snapshot_status` and `server::restore_disks` on a
    /// resealed backup (what `etcdutl snapshot status|restore` read).
    Backup,
    /// `kube::protobuf::decode` and `readable`: a stored protobuf value.
    Protobuf,
    /// `wire::from_slice::<mvcc::TxnRequest>` (a txn in a raft entry).
    Txn,
    /// `wire::from_slice::<server::Response>`.
    Response,
    /// `raft::decode_conf_change` of a V1 and a V2 conf-change entry.
    ConfChange,
}

/// The generators, each counted on its own in the campaign's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gen {
    Etcdctl,
    Etcdutl,
    Kubectl,
    Yaml,
    Shell,
    Heredoc,
    Cluster,
    Bytes,
    Mutate,
    Snapshot,
    Control,
    Wire,
    Session,
}

impl Gen {
    pub const ALL: [Gen; 13] = [
        Gen::Etcdctl,
        Gen::Etcdutl,
        Gen::Kubectl,
        Gen::Yaml,
        Gen::Shell,
        Gen::Heredoc,
        Gen::Cluster,
        Gen::Bytes,
        Gen::Mutate,
        Gen::Snapshot,
        Gen::Control,
        Gen::Wire,
        Gen::Session,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Gen::Etcdctl => "etcdctl",
            Gen::Etcdutl => "etcdutl",
            Gen::Kubectl => "kubectl",
            Gen::Yaml => "yaml",
            Gen::Shell => "shell",
            Gen::Heredoc => "heredoc",
            Gen::Cluster => "cluster",
            Gen::Bytes => "bytes",
            Gen::Mutate => "mutate",
            Gen::Snapshot => "snapshot",
            Gen::Control => "control",
            Gen::Wire => "wire",
            Gen::Session => "session",
        }
    }
}

/// Lines of the golden corpora: what users type, to mutate.
pub fn corpus() -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for text in [
        include_str!("../../../../tests/golden/corpus.txt"),
        include_str!("../../../../tests/golden/tls/corpus.txt"),
    ] {
        for l in text.lines() {
            let l = l.trim();
            if !l.is_empty() && !l.starts_with('#') {
                lines.push(l.to_string());
            }
        }
    }
    // Datadriven transcripts: the entry before each `----`.
    for text in [
        include_str!("../../testdata/sed.txt"),
        include_str!("../../testdata/grep.txt"),
        include_str!("../../testdata/files.txt"),
        include_str!("../../testdata/redirect.txt"),
        include_str!("../../testdata/watch.txt"),
        include_str!("../../testdata/diff.txt"),
        include_str!("../../testdata/editor.txt"),
        include_str!("../../../kube/testdata/deployment.txt"),
        include_str!("../../../kube/testdata/configmap.txt"),
        include_str!("../../../kube/testdata/secrets.txt"),
        include_str!("../../../kube/testdata/crd.txt"),
        include_str!("../../../kube/testdata/validation.txt"),
    ] {
        let mut entry: Vec<&str> = Vec::new();
        let mut in_output = false;
        for l in text.lines() {
            if in_output {
                if l.is_empty() {
                    in_output = false;
                }
                continue;
            }
            if l == "----" {
                if !entry.is_empty() {
                    lines.push(entry.join("\n"));
                }
                entry.clear();
                in_output = true;
            } else if !l.starts_with('#') && (!entry.is_empty() || !l.is_empty()) {
                entry.push(l);
            }
        }
    }
    lines
}

/// The generator state: the grammar, the corpus of lines and valid
/// encodings of each [`Wire`] target to mutate.
pub struct Grammar {
    spec: Spec,
    paths: Vec<String>,
    corpus: Vec<String>,
    wire: Vec<(Wire, Vec<u8>)>,
}

const KEYS: &[&str] = &[
    "a",
    "k",
    "foo",
    "/registry/pods/default/web",
    "",
    "a b",
    "\u{e9}t\u{e9}",
    "\\x00",
    "z",
    "--",
    "-",
    "/",
    "k1",
    "\u{1F600}",
];
const VALUES: &[&str] = &[
    "v",
    "bar",
    "",
    "'quoted value'",
    "\"dq\"",
    "$LEASE",
    "$X",
    "0",
    "-1",
    "18446744073709551616",
    "1e308",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "1s",
    "0s",
    "-5s",
    "99999h",
    "1ms",
    "true",
    "false",
    "json",
    "table",
    "fields",
    "protobuf",
    "simple",
    "etcd-1",
    "etcd-9",
    "http://127.0.0.1:2379",
    "127.0.0.2:2379",
    "https://127.0.0.3:2379",
    "root:pw",
    "root",
    ":",
    "a,b,c",
    ",",
    "x=y",
    "\\",
];
const TXN_LINES: &[&str] = &[
    "mod(\"k\") > \"0\"",
    "value(\"a\") = \"v\"",
    "version(\"a\") = \"0\"",
    "create(\"a\") < \"5\"",
    "lease(\"a\") = \"0\"",
    "mod(\"k\") = \"x\"",
    "value(a) = v",
    "bogus",
    "",
    "put a b",
    "put k \"v v\"",
    "get a --prefix",
    "del a",
    "del a z",
    "put --prev-kv a c",
    "txn",
];
const CLUSTER: &[&str] = &[
    "status",
    "stop",
    "start",
    "restart",
    "partition",
    "isolate",
    "heal",
    "net",
    "campaign",
    "reset",
    "help",
    "disk",
    "bogus",
];
const MEMBERS: &[&str] = &["etcd-1", "etcd-2", "etcd-3", "etcd-4", "etcd-9", "", "ETCD-1", "etcd-1,etcd-2"];
const SHELL: &[&str] = &[
    "echo",
    "printf",
    "cat",
    "ls",
    "cd",
    "pwd",
    "mkdir",
    "rm",
    "cp",
    "mv",
    "touch",
    "tee",
    "head",
    "tail",
    "wc",
    "grep",
    "sed",
    "diff",
    "sort",
    "uniq",
    "cut",
    "tr",
    "seq",
    "sleep",
    "timeout",
    "watch",
    "export",
    "unset",
    "env",
    "true",
    "false",
    "sh",
    "bash",
    "vi",
    "nano",
    "editor-save",
    "history",
    "clear",
    "help",
    "which",
    "base64",
    "xxd",
    "od",
    "jq",
    "systemctl",
    "crictl",
    "journalctl",
    "kubeadm",
    "stat",
    "chmod",
    "find",
    "date",
    "whoami",
    "hostname",
    "alias",
    "source",
    "test",
    "[",
    "exit",
    "read",
];
const SHELL_ARGS: &[&str] = &[
    "-n",
    "-i",
    "-e",
    "-E",
    "-c",
    "-v",
    "-r",
    "-rf",
    "-p",
    "-la",
    "-a",
    "-1",
    "-0",
    "--help",
    "f",
    "d/f",
    "/",
    "..",
    "-",
    "/root",
    "/etc/kubernetes/pki",
    "/var/lib/etcd",
    "'s/a/b/g'",
    "'$p'",
    "'1~0p'",
    "'[a-'",
    "'(a|b)*'",
    "'%s\\n'",
    "'%99999999999d'",
    "x",
    "1e308",
    "0.01",
    "99999999999999999999",
    "*",
    "?",
    "~",
    "$HOME",
    "${X:-y}",
    "$(echo hi)",
    "`id`",
    "$?",
    "$$",
    "!!",
    "a=b",
    "\"$X\"",
    "'a'\"b\"",
    "\\ ",
    "#",
];
const OPS: &[&str] = &["|", "||", "&&", ";", ">", ">>", "2>", "2>&1", "&>", "<", "&", "|&", ">&2", "<<<"];
const KUBECTL: &[&str] = &[
    "get",
    "describe",
    "create",
    "apply",
    "delete",
    "edit",
    "logs",
    "exec",
    "scale",
    "rollout",
    "label",
    "annotate",
    "patch",
    "explain",
    "api-resources",
    "version",
    "cluster-info",
    "config",
    "run",
    "expose",
    "top",
    "cordon",
    "drain",
    "auth",
    "wait",
    "replace",
];
const KUBE_ARGS: &[&str] = &[
    "pods",
    "po",
    "deployments",
    "deploy",
    "svc",
    "nodes",
    "ns",
    "configmaps",
    "secrets",
    "events",
    "all",
    "-A",
    "-n",
    "kube-system",
    "default",
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "jsonpath={.items[*].metadata.name}",
    "-w",
    "--watch",
    "-l",
    "app=web",
    "web",
    "nginx",
    "--image=nginx",
    "--replicas=3",
    "--replicas=-1",
    "-f",
    "-",
    "--dry-run=client",
    "--all",
    "--force",
    "--grace-period=0",
    "--show-labels",
    "--selector",
    "x",
    "=",
    "deployment/web",
    "generic",
    "--from-literal=a=b",
];
const YAML: &[&str] = &[
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: b}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sleep\", \"3600\"]",
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\nstringData:\n  password: hunter2",
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns1",
    "kind: [\n- {\n  : :\n\t- !!binary |\n",
];

impl Grammar {
    pub fn new() -> Grammar {
        let spec = Spec::etcdctl();
        let paths: Vec<String> = spec.commands.keys().filter(|p| !p.is_empty()).cloned().collect();
        Grammar { spec, paths, corpus: corpus(), wire: wire_corpus() }
    }

    fn pick<'a>(rng: &mut Rng, xs: &'a [&'a str]) -> &'a str {
        xs[rng.below(xs.len() as u64) as usize]
    }

    /// A word as a user might quote it.
    fn quote(rng: &mut Rng, w: &str) -> String {
        match rng.below(8) {
            0 => format!("'{}'", w.replace('\'', "'\\''")),
            1 => format!("\"{}\"", w.replace(['"', '\\'], "")),
            2 if !w.is_empty() => w.replace(' ', "\\ "),
            3 if rng.chance(1, 4) => format!("'{w}"),
            _ if w.is_empty() || w.contains(' ') => format!("'{w}'"),
            _ => w.to_string(),
        }
    }

    fn value(rng: &mut Rng) -> String {
        match rng.below(10) {
            0 => {
                let bits = rng.below(64);
                rng.below(1 << bits).to_string()
            }
            1 => format!("-{}", rng.below(1000)),
            2 => format!(
                "{}{}",
                rng.below(100_000),
                Self::pick(rng, &["s", "ms", "m", "h", "us", "ns", "x", ""])
            ),
            3 => Self::random_text(rng, 12, false),
            _ => Self::pick(rng, VALUES).to_string(),
        }
    }

    fn random_text(rng: &mut Rng, max: u64, binary: bool) -> String {
        let n = rng.below(max + 1);
        let mut s = String::new();
        for _ in 0..n {
            let c = match rng.below(if binary { 6 } else { 4 }) {
                0 | 1 => (b'a' + rng.below(26) as u8) as char,
                2 => {
                    const PUNCT: &[u8] = b" -=/,.:'\"$\\|;&<>(){}[]*?!#~`%^@+";
                    PUNCT[rng.below(PUNCT.len() as u64) as usize] as char
                }
                3 => (b'0' + rng.below(10) as u8) as char,
                4 => char::from_u32(rng.below(0x80) as u32).unwrap_or('?'),
                _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
            };
            s.push(c);
        }
        s
    }

    /// `--flag`, `--flag=value`, `--flag value`, `-x value`, for a flag of `path` or a global one.
    fn flag(&self, rng: &mut Rng, path: &str) -> String {
        let own = self.spec.command(path).map(|c| c.flags.as_slice()).unwrap_or(&[]);
        let pool = if !own.is_empty() && rng.chance(3, 4) { own } else { self.spec.global.as_slice() };
        if pool.is_empty() || rng.chance(1, 30) {
            return format!("--{}", Self::random_text(rng, 8, false));
        }
        let f = &pool[rng.below(pool.len() as u64) as usize];
        let name = if f.short.is_some() && rng.chance(1, 4) {
            format!("-{}", f.short.unwrap_or('x'))
        } else {
            format!("--{}", f.name)
        };
        let value = match f.kind {
            FlagKind::Bool => match rng.below(4) {
                0 => return name,
                1 => "false".to_string(),
                2 => "true".to_string(),
                _ => return name,
            },
            FlagKind::Int | FlagKind::Uint => match rng.below(3) {
                0 => rng.below(10).to_string(),
                _ => Self::value(rng),
            },
            FlagKind::Duration => match rng.below(3) {
                0 => format!("{}s", rng.below(10)),
                _ => Self::value(rng),
            },
            FlagKind::String | FlagKind::StringSlice => Self::value(rng),
        };
        if rng.chance(1, 2) || name.starts_with("-") && !name.starts_with("--") {
            format!("{name} {}", Self::quote(rng, &value))
        } else {
            format!("{name}={}", Self::quote(rng, &value))
        }
    }

    fn etcdctl(&self, rng: &mut Rng) -> String {
        let mut path = self.paths[rng.below(self.paths.len() as u64) as usize].clone();
        // `check perf` and `check datascale` put a minute of load on the
        // cluster (three quarters of a campaign's time when picked as
        // often as the others): one pick in 32 keeps them.
        while path.starts_with("check") && !rng.chance(1, 32) {
            path = self.paths[rng.below(self.paths.len() as u64) as usize].clone();
        }
        let mut words = vec![
            Self::pick(
                rng,
                &["etcdctl", "etcdctl", "etcdctl", "ETCDCTL_API=3 etcdctl", "./etcdctl", "X=1 etcdctl"],
            )
            .to_string(),
        ];
        let mut parts: Vec<String> = path.split(' ').map(String::from).collect();
        let mut extra = Vec::new();
        for _ in 0..rng.below(4) {
            extra.push(self.flag(rng, &path));
        }
        for _ in 0..rng.below(4) {
            let w = if rng.chance(1, 2) { Self::pick(rng, KEYS) } else { Self::pick(rng, VALUES) };
            extra.push(Self::quote(rng, w));
        }
        if rng.chance(1, 6) {
            parts.insert(0, self.flag(rng, ""));
        }
        words.append(&mut parts);
        for e in extra {
            let at = 1 + rng.below(words.len() as u64) as usize;
            words.insert(at.min(words.len()), e);
        }
        let mut line = words.join(" ");
        if rng.chance(1, 8) {
            line.push_str(&format!(" {} {}", Self::pick(rng, OPS), self.shell_simple(rng)));
        }
        line
    }

    fn etcdutl(&self, rng: &mut Rng) -> String {
        let cmd = Self::pick(
            rng,
            &[
                "snapshot status",
                "snapshot restore",
                "defrag",
                "backup",
                "version",
                "migrate",
                "hashkv",
                "check",
                "help",
                "snapshot",
                "",
            ],
        );
        let mut w = vec!["etcdutl".to_string(), cmd.to_string()];
        for _ in 0..rng.below(5) {
            w.push(match rng.below(6) {
                0 => format!("--data-dir {}", Self::pick(rng, &["/var/lib/etcd", "/tmp/r", "r", "", "/"])),
                1 => format!("-w {}", Self::pick(rng, &["json", "table", "simple", "fields", "x"])),
                2 => Self::pick(rng, &["s.db", "m.db", "/root/s.db", "nope.db", "/"]).to_string(),
                3 => format!(
                    "--{}={}",
                    Self::pick(
                        rng,
                        &[
                            "name",
                            "initial-cluster",
                            "initial-cluster-token",
                            "initial-advertise-peer-urls",
                            "skip-hash-check",
                            "bump-revision",
                            "mark-compacted",
                            "wal-dir",
                            "backup-dir",
                            "target-version",
                        ]
                    ),
                    {
                        let v = Self::value(rng);
                        Self::quote(rng, &v)
                    }
                ),
                4 => "--mark-compacted --bump-revision 1000".to_string(),
                _ => {
                    let v = Self::value(rng);
                    Self::quote(rng, &v)
                }
            });
        }
        w.join(" ")
    }

    fn kubectl(&self, rng: &mut Rng) -> String {
        let mut w = vec!["kubectl".to_string(), Self::pick(rng, KUBECTL).to_string()];
        for _ in 0..rng.below(6) {
            let a = Self::pick(rng, KUBE_ARGS);
            w.push(Self::quote(rng, a));
        }
        if rng.chance(1, 5) {
            w.insert(0, format!("timeout {}", rng.below(5)));
        }
        w.join(" ")
    }

    fn yaml(&self, rng: &mut Rng) -> String {
        let base = Self::pick(rng, YAML);
        let body = if rng.chance(1, 2) { Self::mutate_text(rng, base) } else { base.to_string() };
        let verb =
            Self::pick(rng, &["apply", "create", "replace", "delete", "apply --dry-run=client -o yaml"]);
        format!("kubectl {verb} -f - <<'EOF'\n{body}\nEOF")
    }

    fn shell_simple(&self, rng: &mut Rng) -> String {
        let mut w = vec![Self::pick(rng, SHELL).to_string()];
        for _ in 0..rng.below(5) {
            w.push(match rng.below(5) {
                0 => {
                    let t = Self::random_text(rng, 6, false);
                    Self::quote(rng, &t)
                }
                _ => Self::pick(rng, SHELL_ARGS).to_string(),
            });
        }
        w.join(" ")
    }

    fn shell(&self, rng: &mut Rng) -> String {
        let mut line = self.shell_simple(rng);
        for _ in 0..rng.below(3) {
            let op = Self::pick(rng, OPS);
            let next = if rng.chance(1, 3) { self.etcdctl(rng) } else { self.shell_simple(rng) };
            line = format!("{line} {op} {next}");
        }
        if rng.chance(1, 10) {
            line = format!(
                "{} {line}",
                Self::pick(rng, &["timeout 2", "watch -n 1", "sh -c", "! ", "X=1", "time"])
            );
        }
        line
    }

    fn heredoc(&self, rng: &mut Rng) -> String {
        let (cmd, pool): (String, &[&str]) = match rng.below(5) {
            0 => ("etcdctl txn".into(), TXN_LINES),
            1 => ("etcdctl txn -i".into(), TXN_LINES),
            2 => ("cat > f".into(), SHELL_ARGS),
            3 => (self.shell_simple(rng), SHELL_ARGS),
            _ => ("etcdctl put k".into(), VALUES),
        };
        let tag = Self::pick(rng, &["EOF", "'EOF'", "\"EOF\"", "-EOF", "END", "E O F"]);
        let mut body = Vec::new();
        for _ in 0..rng.below(7) {
            body.push(if rng.chance(1, 5) {
                Self::random_text(rng, 20, false)
            } else {
                Self::pick(rng, pool).to_string()
            });
        }
        let close =
            if rng.chance(1, 10) { "" } else { tag.trim_matches(|c| c == '\'' || c == '"' || c == '-') };
        format!("{cmd} <<{tag}\n{}\n{close}", body.join("\n"))
    }

    fn cluster(&self, rng: &mut Rng) -> String {
        let sub = Self::pick(rng, CLUSTER);
        let mut w = vec!["cluster".to_string(), sub.to_string()];
        match sub {
            "partition" => {
                w.push(Self::pick(rng, MEMBERS).to_string());
                w.push(Self::pick(rng, &["/", "-/->", "---", "<-/-", ",", ""]).to_string());
                w.push(Self::pick(rng, MEMBERS).to_string());
            }
            "net" => {
                for _ in 0..rng.below(3) {
                    w.push(format!(
                        "{} {}",
                        Self::pick(rng, &["--delay", "--drop", "--duplicate", "--x"]),
                        Self::pick(
                            rng,
                            &["5-20ms", "1%", "100%", "101%", "0", "20-5ms", "99999-999999ms", "-1"]
                        )
                    ));
                }
            }
            "reset" => {
                // A kubeadm cluster costs seconds; rare.
                for _ in 0..rng.below(3) {
                    w.push(
                        Self::pick(
                            rng,
                            &[
                                "--nodes 1",
                                "--nodes 5",
                                "--nodes 0",
                                "--seed 7",
                                "--plain",
                                "--tls",
                                "--quota-bytes 5000",
                                "--bare",
                                "--data-dir /tmp/r",
                                "--storage protobuf",
                            ],
                        )
                        .to_string(),
                    );
                }
                if !w.iter().any(|x| x == "--plain") {
                    w.push("--bare".into());
                }
            }
            "disk" => {
                w.push(Self::pick(rng, MEMBERS).to_string());
                w.push(
                    Self::pick(
                        rng,
                        &["full", "slow", "ok", "slow 200ms", "slow 5s", "slow -1ms", "slow 1e308s", "bogus"],
                    )
                    .to_string(),
                );
            }
            _ => {
                for _ in 0..rng.below(2) {
                    w.push(Self::pick(rng, MEMBERS).to_string());
                }
            }
        }
        w.join(" ")
    }

    fn bytes(rng: &mut Rng) -> String {
        Self::random_text(rng, 64, true)
    }

    fn mutate_text(rng: &mut Rng, s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let n = chars.len() as u64;
            match rng.below(6) {
                0 if n > 0 => {
                    chars.remove(rng.below(n) as usize);
                }
                1 => {
                    let c = Self::random_text(rng, 1, true).chars().next().unwrap_or('x');
                    chars.insert(rng.below(n + 1) as usize, c);
                }
                2 if n > 0 => {
                    let i = rng.below(n) as usize;
                    chars[i] = Self::random_text(rng, 1, false).chars().next().unwrap_or('x');
                }
                3 if n > 1 => {
                    // Duplicate a slice.
                    let a = rng.below(n) as usize;
                    let b = (a + 1 + rng.below(8) as usize).min(chars.len());
                    let piece: Vec<char> = chars[a..b].to_vec();
                    let at = rng.below(chars.len() as u64 + 1) as usize;
                    chars.splice(at..at, piece);
                }
                4 if n > 1 => {
                    let a = rng.below(n) as usize;
                    let b = (a + 1 + rng.below(8) as usize).min(chars.len());
                    chars.drain(a..b);
                }
                _ => {
                    let w = Self::pick(
                        rng,
                        &[
                            " --",
                            "=",
                            "'",
                            "\"",
                            " | ",
                            " > f",
                            "\\",
                            "$",
                            "\n",
                            " <<EOF\n",
                            " -w json",
                            " --prefix",
                        ],
                    );
                    let at = rng.below(n + 1) as usize;
                    chars.splice(at..at, w.chars());
                }
            }
        }
        chars.into_iter().collect()
    }

    fn mutate(&self, rng: &mut Rng) -> String {
        let base = &self.corpus[rng.below(self.corpus.len() as u64) as usize];
        if rng.chance(1, 5) {
            // Two corpus lines spliced at random points.
            let other = &self.corpus[rng.below(self.corpus.len() as u64) as usize];
            let a: String = base.chars().take(rng.below(base.len() as u64 + 1) as usize).collect();
            let b: String = other.chars().skip(rng.below(other.len() as u64 + 1) as usize).collect();
            return a + &b;
        }
        if rng.chance(1, 4) { base.clone() } else { Self::mutate_text(rng, base) }
    }

    /// A mutated copy of the snapshot the session saved, then a line reading it.
    fn snapshot(rng: &mut Rng) -> Vec<Step> {
        let reseal = rng.chance(1, 2);
        let mut steps = vec![Step::MutateFile {
            from: "/root/s.db".into(),
            to: "/root/m.db".into(),
            seed: rng.next_u64(),
            reseal,
        }];
        let n = rng.below(1000);
        steps.push(Step::Line(
            match rng.below(5) {
                0 => "etcdutl snapshot status m.db -w json".to_string(),
                1 => format!("etcdutl snapshot restore m.db --data-dir /tmp/r{n}"),
                2 => format!("etcdutl snapshot restore m.db --data-dir /tmp/r{n} && cluster reset --bare --data-dir /tmp/r{n}"),
                3 => "etcdctl snapshot status m.db -w table".to_string(),
                _ => format!("etcdutl snapshot restore m.db --skip-hash-check --data-dir /tmp/r{n} --bump-revision {} --mark-compacted", rng.below(1 << 40)),
            },
        ));
        steps
    }

    fn control(rng: &mut Rng) -> Vec<Step> {
        match rng.below(4) {
            0 => vec![Step::Interrupt],
            1 => vec![Step::Poll(rng.below(3_000))],
            _ => {
                let line = Self::pick(
                    rng,
                    &[
                        "etcdctl watch --prefix ''",
                        "etcdctl put k v",
                        "etcdctl lease keep-alive $LEASE",
                        "etcdctl elect e p",
                        "etcdctl lock l",
                        "kubectl get pods -w",
                        "watch -n 1 etcdctl get k",
                        "etcdctl get k",
                    ],
                );
                vec![Step::Tab(rng.below(3) as usize, line.to_string())]
            }
        }
    }

    /// The next steps of generator `g`.
    pub fn generate(&self, g: Gen, rng: &mut Rng) -> Vec<Step> {
        let line = match g {
            Gen::Etcdctl => self.etcdctl(rng),
            Gen::Etcdutl => self.etcdutl(rng),
            Gen::Kubectl => self.kubectl(rng),
            Gen::Yaml => self.yaml(rng),
            Gen::Shell => self.shell(rng),
            Gen::Heredoc => self.heredoc(rng),
            Gen::Cluster => self.cluster(rng),
            Gen::Bytes => Self::bytes(rng),
            Gen::Mutate => self.mutate(rng),
            Gen::Snapshot => return Self::snapshot(rng),
            Gen::Control => return Self::control(rng),
            Gen::Wire => return vec![self.wire(rng)],
            Gen::Session if rng.chance(1, 2) => return vec![Step::Record(self.record(rng))],
            Gen::Session => return vec![Step::Session(self.session(rng))],
        };
        vec![Step::Line(line)]
    }

    /// A generator, weighted: the grammar's generators most often.
    pub fn pick_gen(rng: &mut Rng) -> Gen {
        match rng.below(100) {
            0..=19 => Gen::Etcdctl,
            20..=24 => Gen::Etcdutl,
            25..=30 => Gen::Kubectl,
            31..=33 => Gen::Yaml,
            34..=46 => Gen::Shell,
            47..=52 => Gen::Heredoc,
            53..=58 => Gen::Cluster,
            59..=64 => Gen::Bytes,
            65..=80 => Gen::Mutate,
            81..=84 => Gen::Snapshot,
            85..=88 => Gen::Control,
            89..=94 => Gen::Wire,
            _ => Gen::Session,
        }
    }

    /// Bytes for one decoder: a valid encoding of its type mutated (or,
    /// one time in eight, random bytes).
    fn wire(&self, rng: &mut Rng) -> Step {
        let (target, base) = &self.wire[rng.below(self.wire.len() as u64) as usize];
        let bytes = match rng.below(8) {
            0 => (0..rng.below(64)).map(|_| rng.below(256) as u8).collect(),
            1 => base.clone(),
            _ if *target == Wire::Backup => reseal_backup(base, rng.next_u64()),
            _ => mutate_bytes(base, rng.next_u64()),
        };
        Step::Wire(*target, bytes)
    }

    /// A saved session's text: a header with its fields (some out of
    /// range), entries of every form built from the other generators'
    /// lines, then, half the time, the text mutated as a line is.
    /// A session the page could record: lines of the other generators
    /// (some pasted with CRLF ends, some of random text with control
    /// characters), Ctrl+C, Ctrl+L, steps, files with any path, manifests.
    fn record(&self, rng: &mut Rng) -> Record {
        let mut entries = Vec::new();
        let mut at = rng.below(10_000);
        for _ in 0..rng.below(8) {
            at += rng.below(3_000);
            let tab = rng.below(16) as usize;
            let act = match rng.below(10) {
                0 => RecordAct::Interrupt,
                1 => RecordAct::Clear,
                2 => RecordAct::Step,
                3 => {
                    let path = if rng.chance(1, 2) {
                        Self::pick(
                            rng,
                            &["/root/up.db", "/root/my snap.db", "a\\s b", "\\", " ", "", "/root/x\\"],
                        )
                        .to_string()
                    } else {
                        Self::random_text(rng, 12, true)
                    };
                    RecordAct::File(path, (0..rng.below(40)).map(|_| rng.below(256) as u8).collect())
                }
                4 => RecordAct::Manifest(
                    Self::pick(rng, YAML).replace('\n', if rng.chance(1, 4) { "\r\n" } else { "\n" }),
                ),
                5 => RecordAct::Line(Self::random_text(rng, 30, true)),
                _ => {
                    let mut line = match self.generate(Gen::Mutate, rng).into_iter().next() {
                        Some(Step::Line(l)) => l,
                        _ => String::new(),
                    };
                    if rng.chance(1, 4) {
                        line = line.replace('\n', "\r\n") + "\r";
                    }
                    RecordAct::Line(line)
                }
            };
            entries.push((at, tab, act));
        }
        Record {
            seed: rng.next_u64(),
            members: 1 + rng.below(7),
            clock_ms: at + rng.below(5_000),
            view_ms: at + rng.below(5_000),
            speed: Self::pick(rng, &["1", "0.25", "4", "0.1", "16", "-0"]).parse().unwrap_or(1.0),
            paused: rng.chance(1, 2),
            entries,
        }
    }

    fn session(&self, rng: &mut Rng) -> String {
        let num = |rng: &mut Rng| -> String {
            match rng.below(6) {
                0 => Self::pick(
                    rng,
                    &["", "-1", "x", "18446744073709551615", "18446744073709551616", "1e3", "nan", "inf"],
                )
                .to_string(),
                1 => rng.next_u64().to_string(),
                _ => rng.below(20_000).to_string(),
            }
        };
        let mut head = vec![ctl::session::MAGIC.to_string()];
        for k in ["seed", "members", "clock", "view", "speed", "paused", "moment"] {
            if rng.chance(7, 8) {
                let v = match k {
                    "members" if rng.chance(3, 4) => (1 + rng.below(7)).to_string(),
                    "speed" if rng.chance(3, 4) => {
                        Self::pick(rng, &["1", "0.25", "4", "0", "-1", "1e308", "NaN", "inf"]).to_string()
                    }
                    "paused" => rng.below(3).to_string(),
                    _ => num(rng),
                };
                head.push(format!("{k}={v}"));
            }
        }
        let mut text = head.join(" ") + "\n";
        let mut at = 0u64;
        for _ in 0..rng.below(8) {
            at += rng.below(3_000);
            let tab = if rng.chance(1, 10) { 9 + rng.below(10) } else { rng.below(3) };
            let act = match rng.below(10) {
                0 => "^C".to_string(),
                1 => "clear".to_string(),
                2 => "step".to_string(),
                3 => {
                    let path = Self::pick(
                        rng,
                        &[
                            "/root/up.db",
                            "/root/my\\ssnap.db",
                            "",
                            "/",
                            "/etc/kubernetes/manifests/etcd.yaml",
                        ],
                    );
                    let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.below(256) as u8).collect();
                    let mut b64 = ctl::session::base64(&bytes);
                    if rng.chance(1, 6) {
                        b64.push(Self::pick(rng, &["!", "=", "==", "A", "\\"]).chars().next().unwrap_or('!'));
                    }
                    format!("file {path} {b64}")
                }
                4 => format!("apply {}", ctl::session::escape(Self::pick(rng, YAML))),
                _ => {
                    let g = match rng.below(6) {
                        0 => Gen::Etcdctl,
                        1 => Gen::Shell,
                        2 => Gen::Heredoc,
                        3 => Gen::Cluster,
                        4 => Gen::Kubectl,
                        _ => Gen::Mutate,
                    };
                    let mut line = match self.generate(g, rng).into_iter().next() {
                        Some(Step::Line(l)) => l,
                        _ => String::new(),
                    };
                    // Text pasted from Windows: CRLF line ends.
                    if rng.chance(1, 8) {
                        line = line.replace('\n', "\r\n") + "\r";
                    }
                    format!("> {}", ctl::session::escape(&line))
                }
            };
            text.push_str(&format!("{at} {tab} {act}\n"));
        }
        if rng.chance(1, 2) { Self::mutate_text(rng, &text) } else { text }
    }
}

/// `bytes` with a few bytes flipped, replaced, inserted or the tail cut, as `seed` decides.
pub fn mutate_bytes(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(6) {
        if b.is_empty() {
            break;
        }
        let i = rng.below(b.len() as u64) as usize;
        match rng.below(5) {
            0 | 1 => b[i] ^= 1 << rng.below(8),
            2 => b.truncate(i),
            3 => b[i] = rng.below(256) as u8,
            _ => b.insert(i, rng.below(256) as u8),
        }
    }
    b
}

/// Valid encodings for each [`Wire`] target: a store's image and a
/// backup, saved from a console that wrote keys, a lease and a compaction;
/// protobuf values of the kinds kube encodes; a txn, responses and conf
/// changes.
pub fn wire_corpus() -> Vec<(Wire, Vec<u8>)> {
    let mut out = Vec::new();
    let mut con = ctl::Console::new(1, ctl::ConsoleOptions::bare_etcd());
    let o = con.run_to_end(
        "etcdctl put a 1 && etcdctl put b 2 && etcdctl put a 3 && etcdctl del b && etcdctl lease grant 600 \
         && etcdctl user add root:pw && etcdctl role add r && etcdctl compact 2 && etcdctl snapshot save s.db",
    );
    assert_eq!(o.exit, 0, "the wire corpus's console: {}{}", o.stdout, o.stderr);
    let backup = con.vfs().read("/root/s.db").expect("the backup was saved").to_vec();
    if let Some(store) = backup_store(&backup) {
        // The image is the MVCC snapshot without its sha256 trailer.
        out.push((Wire::StoreImage, store[..store.len().saturating_sub(32)].to_vec()));
    }
    out.push((Wire::Backup, backup));
    for json in [
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default","uid":"u","resourceVersion":"5","labels":{"a":"b"}},"data":{"k":"v","x":""}}"#,
        r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"default"},"type":"Opaque","data":{"p":"aHVudGVyMg=="}}"#,
        r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"}}"#,
        r#"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"kube-system"},"spec":{"holderIdentity":"n1","leaseDurationSeconds":40}}"#,
    ] {
        let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        if let Some(b) = kube::protobuf::encode(&v) {
            out.push((Wire::Protobuf, b));
        }
    }
    let put = mvcc::PutRequest { key: b"k".to_vec(), value: b"v".to_vec(), ..Default::default() };
    let txn = mvcc::TxnRequest {
        compare: vec![mvcc::Compare {
            result: mvcc::CompareResult::Greater,
            target: mvcc::CompareTarget::Mod(3),
            key: b"k".to_vec(),
            range_end: Vec::new(),
        }],
        success: vec![mvcc::RequestOp::Put(put.clone())],
        failure: vec![mvcc::RequestOp::Txn(mvcc::TxnRequest {
            success: vec![mvcc::RequestOp::Put(put)],
            ..Default::default()
        })],
    };
    out.push((Wire::Txn, wire::to_vec(&txn)));
    let header = mvcc::ResponseHeader { cluster_id: 1, member_id: 2, revision: 3, raft_term: 4 };
    out.push((
        Wire::Response,
        wire::to_vec(&server::Response::Put(mvcc::PutResponse { header, prev_kv: None })),
    ));
    let cc =
        raft::ConfChange { change_type: raft::ConfChangeType::AddNode, node_id: 7, context: b"ctx".to_vec() };
    out.push((Wire::ConfChange, wire::to_vec(&cc)));
    out.push((Wire::ConfChange, wire::to_vec(&raft::ConfChangeI::as_v2(&cc))));
    out
}

const BACKUP_MAGIC: &[u8] = b"etcd-play-backup\n";

/// The MVCC snapshot inside a backup (see crates/server/src/backup.rs).
fn backup_store(b: &[u8]) -> Option<&[u8]> {
    let rest = b.strip_prefix(BACKUP_MAGIC)?;
    let (len, rest) = rest.split_first_chunk::<8>()?;
    rest.get(..usize::try_from(u64::from_be_bytes(*len)).ok()?)
}

/// A backup with its MVCC snapshot's body or its auth store mutated (or
/// both), and both sha256 seals and the length recomputed, so that
/// `etcdutl snapshot restore` gets past its integrity checks to the
/// decoders. Not a backup: mutated as bytes.
pub fn reseal_backup(b: &[u8], seed: u64) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let Some(store) = backup_store(b).filter(|s| s.len() >= 32) else { return mutate_bytes(b, seed) };
    let auth_at = BACKUP_MAGIC.len() + 8 + store.len();
    let Some(auth) = b.get(auth_at..b.len().saturating_sub(32)) else { return mutate_bytes(b, seed) };
    let mut rng = Rng::new(seed);
    let which = rng.below(3);
    let mut body = store[..store.len() - 32].to_vec();
    let mut auth = auth.to_vec();
    if which != 1 {
        // Past the 20-byte header (magic and version) most of the time.
        let keep = if rng.chance(3, 4) { body.len().min(20) } else { 0 };
        let tail = mutate_bytes(&body[keep..], rng.next_u64());
        body.truncate(keep);
        body.extend(tail);
    }
    if which != 0 {
        auth = mutate_bytes(&auth, rng.next_u64());
    }
    let mut store = body.clone();
    store.extend_from_slice(&Sha256::digest(&body));
    let mut out = BACKUP_MAGIC.to_vec();
    out.extend_from_slice(&(store.len() as u64).to_be_bytes());
    out.extend(store);
    out.extend(auth);
    let d = Sha256::digest(&out);
    out.extend_from_slice(&d);
    out
}
