//! `kubectl ...` lines: the words after `kubectl` go to crates/kube, which writes through the simulated cluster.
//!
//! ```text
//! kubectl create deployment web --image=nginx --replicas=2   -> deployment.apps/web created
//! sleep 10s                                                  controllers schedule and run the pods
//! kubectl get pods -w                                        streams rows until Ctrl+C or `timeout`
//! ```

use crate::console::{Console, Exec};
use crate::output::Output;
use crate::stream::{Kind, Stream};

/// Runs `kubectl ARGS` with `stdin` (a heredoc); `-f FILE` reads the playground's filesystem.
pub(crate) fn run(con: &mut Console, args: &[String], stdin: Option<&str>) -> Exec {
    if !con.node.apiserver_serving() && !local_only(args) {
        // kube-apiserver's container is not listening (crashed, or its
        // static pod is gone): kubectl's dial is refused.
        let server = format!("{}:6443", kube::kubeadm::CONTROL_PLANE_IP);
        return Output::fail(
            format!("The connection to the server {server} was refused - did you specify the right host or port?\n"),
            1,
        )
        .into();
    }
    if !crate::node::apiserver::etcd_ok(con) && !local_only(args) {
        // The apiserver serves, but none of its --etcd-servers answers:
        // its storage calls run out their deadline.
        let msg = format!("{}\n", kube::ApiError::timeout().kubectl(""));
        return Exec::took(Output::fail(msg, 1), crate::node::apiserver::NO_ETCD_MS);
    }
    // `kubectl [-n NS] logs ...` of a pod the node runs: its container's logs.
    let at = if args.first().is_some_and(|a| a == "-n" || a == "--namespace") { 2 } else { 0 };
    if args.get(at).is_some_and(|a| a == "logs") {
        let rest: Vec<String> = args[..at].iter().chain(&args[at + 1..]).cloned().collect();
        if let Some(out) = crate::node::crictl::kubectl_logs(&con.node, &rest) {
            return out.into();
        }
    }
    let vfs = &con.vfs;
    let files = |path: &str| vfs.read(path).map(|b| String::from_utf8_lossy(b).into_owned());
    // The time kubectl's requests take is spent in the sim as they run.
    let out = con.backend.with_kube(|kube, sim| kube::kubectl(kube, sim, args, stdin, &files));
    let text = Output { stdout: out.stdout, stderr: out.stderr, exit: out.exit, ..Output::default() };
    let stream = out.watch.map(|w| Stream::new(Kind::Kube(Box::new(w))));
    Exec { out: text, elapsed_ms: 0, stream }
}

/// Whether kubectl answers `args` without the apiserver (`version
/// --client`, `help`, `config`, `completion`, `--help`).
fn local_only(args: &[String]) -> bool {
    let has = |f: &str| args.iter().any(|a| a == f);
    matches!(args.first().map(String::as_str), None | Some("help" | "config" | "completion"))
        || has("--help")
        || has("-h")
        || (args.first().is_some_and(|a| a == "version") && has("--client"))
}

/// New rows of a running `kubectl get -w`.
pub(crate) fn poll(con: &mut Console, w: &mut kube::KubeWatch, out: &mut Output) {
    let more = con.backend.with_kube(|kube, sim| kube.poll_watch(sim, w));
    out.print(&more.stdout);
    out.eprint(&more.stderr);
}

/// Ends a `kubectl get -w` (Ctrl+C or `timeout`).
pub(crate) fn stop(con: &mut Console, w: &kube::KubeWatch) {
    con.backend.with_kube(|kube, sim| kube.stop_watch(sim, w));
}
