//! kubectl's subset: parse the words after `kubectl`, run the command
//! against the apiserver, print what kubectl prints.
//!
//! ```text
//!   kubectl apply -f - <<EOF ... EOF        configmap/app-config created
//!   kubectl get cm                          NAME         DATA   AGE ...
//!   kubectl get pods -w                     (a stream: KubeWatch, polled as time runs)
//! ```
//!
//! Files named with `-f` are read through the caller's `files` function
//! (the console's own filesystem); `-f -` reads standard input.

pub mod apply;
pub mod create;
pub mod delete;
pub mod describe;
pub mod get;
pub mod run;
pub mod watch;

use sim::Sim;

use crate::Kube;
pub use watch::KubeWatch;

/// What a kubectl command printed, its exit code, and a stream if it
/// keeps running (`get -w`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code (0 or 1, as kubectl).
    pub exit: i32,
    /// A watch that keeps printing: poll it with [`Kube::poll_watch`].
    pub watch: Option<KubeWatch>,
}

impl CommandOutput {
    /// A failure with `line` on stderr (newline added).
    pub fn fail(line: impl AsRef<str>) -> CommandOutput {
        CommandOutput { stderr: format!("{}\n", line.as_ref()), exit: 1, ..Default::default() }
    }

    /// Appends a line to stdout.
    pub fn out(&mut self, line: impl AsRef<str>) {
        self.stdout.push_str(line.as_ref());
        self.stdout.push('\n');
    }

    /// Appends a line to stderr and marks the command failed.
    pub fn err(&mut self, line: impl AsRef<str>) {
        self.stderr.push_str(line.as_ref());
        self.stderr.push('\n');
        self.exit = 1;
    }
}

/// The flags kubectl's commands share.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flags {
    /// `-f`.
    pub files: Vec<String>,
    /// `-n`.
    pub namespace: Option<String>,
    /// `-A`.
    pub all_namespaces: bool,
    /// `-o`.
    pub output: Option<String>,
    /// `-w`.
    pub watch: bool,
    /// `--image`.
    pub image: Option<String>,
    /// `--from-literal`.
    pub literals: Vec<String>,
    /// `--replicas`.
    pub replicas: Option<String>,
    /// `--port`.
    pub port: Option<String>,
    /// `-l`.
    pub selector: Option<String>,
    /// `--labels` (run).
    pub labels: Option<String>,
    /// `--restart` (run).
    pub restart: Option<String>,
    /// `--grace-period` (delete).
    pub grace_period: Option<String>,
    /// `--force` or `--now` (delete).
    pub force: bool,
    /// `--show-labels` (get).
    pub show_labels: bool,
    /// Words that are not flags.
    pub positional: Vec<String>,
}

impl Flags {
    /// The namespace to act in.
    pub fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }
}

const VALUE_FLAGS: [(&str, &str); 12] = [
    ("-f", "--filename"),
    ("-n", "--namespace"),
    ("-o", "--output"),
    ("", "--image"),
    ("", "--from-literal"),
    ("", "--replicas"),
    ("", "--port"),
    ("-l", "--selector"),
    ("", "--labels"),
    ("", "--restart"),
    ("", "--grace-period"),
    ("", "--type"),
];

const BOOL_FLAGS: [(&str, &str); 7] = [
    ("", "--show-labels"),
    ("-A", "--all-namespaces"),
    ("-w", "--watch"),
    ("", "--force"),
    ("", "--now"),
    ("", "--wait"),
    ("", "--validate"),
];

/// Parses `args` (after the command word); errors are kubectl's lines.
pub fn parse_flags(args: &[String], command: &str) -> Result<Flags, String> {
    let mut f = Flags::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if a == "-" || !a.starts_with('-') {
            f.positional.push(a.to_string());
            continue;
        }
        if a == "--" {
            f.positional.extend(args[i..].iter().cloned());
            break;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (a, None),
        };
        // Short flags with the value attached: -oyaml, -nkube-system.
        let (name, inline) =
            if inline.is_none() && !name.starts_with("--") && name.len() > 2 && name.is_char_boundary(2) {
                (&name[..2], Some(name[2..].to_string()))
            } else {
                (name, inline)
            };
        if let Some((_, long)) = VALUE_FLAGS.iter().find(|(s, l)| (!s.is_empty() && *s == name) || *l == name)
        {
            let value = match inline {
                Some(v) => v,
                None => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => {
                        let what = if name.starts_with("--") {
                            name.to_string()
                        } else {
                            format!("'{}' in {name}", &name[1..])
                        };
                        return Err(format!(
                            "Error: flag needs an argument: {what}\nSee 'kubectl {command} --help' for usage."
                        ));
                    }
                },
            };
            match *long {
                "--filename" => f.files.push(value),
                "--namespace" => f.namespace = Some(value),
                "--output" => f.output = Some(value),
                "--image" => f.image = Some(value),
                "--from-literal" => f.literals.push(value),
                "--replicas" => f.replicas = Some(value),
                "--port" => f.port = Some(value),
                "--selector" => f.selector = Some(value),
                "--labels" => f.labels = Some(value),
                "--restart" => f.restart = Some(value),
                "--grace-period" => f.grace_period = Some(value),
                _ => {}
            }
            continue;
        }
        if let Some((_, long)) = BOOL_FLAGS.iter().find(|(s, l)| (!s.is_empty() && *s == name) || *l == name)
        {
            let on = inline.as_deref().is_none_or(|v| v == "true");
            match *long {
                "--all-namespaces" => f.all_namespaces = on,
                "--watch" => f.watch = on,
                "--force" | "--now" => f.force = on,
                "--show-labels" => f.show_labels = on,
                _ => {}
            }
            continue;
        }
        return Err(format!("Error: unknown flag: {name}\nSee 'kubectl {command} --help' for usage."));
    }
    Ok(f)
}

/// Reads the manifests named by `-f`: `(source, text)` per file, `STDIN` for `-`.
pub fn sources(
    flags: &Flags,
    stdin: Option<&str>,
    files: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<(String, String)>, String> {
    if flags.files.is_empty() {
        return Err("error: must specify one of -f and -k".to_string());
    }
    let mut out = Vec::new();
    for f in &flags.files {
        if f == "-" {
            out.push(("STDIN".to_string(), stdin.unwrap_or("").to_string()));
        } else {
            match files(f) {
                Some(text) => out.push((f.clone(), text)),
                None => return Err(format!("error: the path \"{f}\" does not exist")),
            }
        }
    }
    Ok(out)
}

const USAGE: &str = "kubectl controls the Kubernetes cluster manager (the playground's subset).

Basic Commands:
  create        Create a resource from a file or from stdin (configmap, secret generic, namespace, deployment)
  get           Display one or many resources (-o yaml|json|wide|name, -n, -A, -w, -l)
  run           Run a particular image on the cluster
  delete        Delete resources by file names, stdin, resources and names
  scale         Set a new size for a deployment or replica set

Advanced Commands:
  apply         Apply a configuration to a resource by file name or stdin
  replace       Replace a resource by file name or stdin

Troubleshooting and Debugging Commands:
  describe      Show details of a specific resource or group of resources

Usage:
  kubectl [flags] [options]
";

/// Runs `kubectl ARGS...` (the words after `kubectl`) with `stdin` (a
/// heredoc or pipe), reading `-f FILE` through `files`.
pub fn kubectl(
    kube: &mut Kube,
    sim: &mut Sim,
    args: &[String],
    stdin: Option<&str>,
    files: &dyn Fn(&str) -> Option<String>,
) -> CommandOutput {
    let Some(cmd) = args.first() else {
        return CommandOutput { stdout: USAGE.to_string(), ..Default::default() };
    };
    let rest = &args[1..];
    if matches!(cmd.as_str(), "-h" | "--help" | "help") {
        return CommandOutput { stdout: USAGE.to_string(), ..Default::default() };
    }
    let known = [
        "apply",
        "create",
        "replace",
        "get",
        "delete",
        "describe",
        "run",
        "scale",
        "version",
        "api-resources",
    ];
    // kubectl's other commands: real, but nothing here to run them against
    // (no containers, no kubeconfig) or not part of the playground's subset.
    const ELSEWHERE: [&str; 22] = [
        "logs",
        "exec",
        "attach",
        "cp",
        "port-forward",
        "proxy",
        "top",
        "edit",
        "patch",
        "label",
        "annotate",
        "expose",
        "rollout",
        "set",
        "autoscale",
        "cordon",
        "uncordon",
        "drain",
        "taint",
        "config",
        "auth",
        "explain",
    ];
    if ELSEWHERE.contains(&cmd.as_str()) {
        return CommandOutput::fail(format!(
            "playground: kubectl {cmd}: not supported in the playground (kubectl here: {})",
            known.join(", ")
        ));
    }
    if !known.contains(&cmd.as_str()) {
        return CommandOutput::fail(format!("Error: unknown command \"{cmd}\" for \"kubectl\""));
    }
    if cmd == "version" {
        return CommandOutput {
            stdout: "Client Version: v1.30.0\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.30.0 (etcd playground)\n".to_string(),
            ..Default::default()
        };
    }
    let flags = match parse_flags(rest, cmd) {
        Ok(f) => f,
        Err(e) => return CommandOutput::fail(e),
    };
    if let Err(e) = kube.bootstrap(sim) {
        return CommandOutput::fail(e.kubectl(""));
    }
    match cmd.as_str() {
        "apply" => apply::apply(kube, sim, &flags, stdin, files, apply::Mode::Apply),
        "replace" => apply::apply(kube, sim, &flags, stdin, files, apply::Mode::Replace),
        "create" if flags.positional.is_empty() => {
            apply::apply(kube, sim, &flags, stdin, files, apply::Mode::Create)
        }
        "create" => create::create(kube, sim, &flags),
        "get" => get::get(kube, sim, &flags),
        "delete" => delete::delete(kube, sim, &flags, stdin, files),
        "describe" => describe::describe(kube, sim, &flags),
        "run" => run::run(kube, sim, &flags),
        "scale" => run::scale(kube, sim, &flags),
        "api-resources" => api_resources(kube),
        _ => CommandOutput::fail(format!("error: unknown command \"{cmd}\" for \"kubectl\"")),
    }
}

/// `kubectl api-resources`: the kinds this apiserver serves.
fn api_resources(kube: &Kube) -> CommandOutput {
    let mut rows = vec![vec![
        "NAME".to_string(),
        "SHORTNAMES".into(),
        "APIVERSION".into(),
        "NAMESPACED".into(),
        "KIND".into(),
    ]];
    let mut kinds = kube.api.catalog.all().to_vec();
    slim::sort_by_key(&mut kinds, |k| (k.group.clone(), k.resource.clone()));
    for k in kinds {
        let short: Vec<&str> = k.short.iter().map(String::as_str).filter(|s| *s != k.singular()).collect();
        rows.push(vec![
            k.resource.clone(),
            short.join(","),
            k.api_version(),
            k.namespaced.to_string(),
            k.kind.clone(),
        ]);
    }
    CommandOutput { stdout: crate::printers::table(&rows), ..Default::default() }
}

/// Resolves a kubectl resource word (`po`, `deployments.apps`) or fails
/// with kubectl's message; unknown names trigger a CRD refresh first.
pub fn resolve_kind(kube: &mut Kube, sim: &mut Sim, word: &str) -> Result<crate::kinds::Kind, String> {
    if let Some(k) = kube.api.catalog.by_name(word) {
        return Ok(k.clone());
    }
    let _ = kube.api.refresh_crds(sim);
    kube.api
        .catalog
        .by_name(word)
        .cloned()
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{word}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_parse_like_kubectl() {
        let f = parse_flags(&words("pods -n kube-system -owide -w"), "get").unwrap();
        assert_eq!(f.positional, vec!["pods"]);
        assert_eq!(f.ns(), "kube-system");
        assert_eq!(f.output.as_deref(), Some("wide"));
        assert!(f.watch);
        let f = parse_flags(&words("configmap c --from-literal=a=b --from-literal c=d"), "create").unwrap();
        assert_eq!(f.literals, vec!["a=b", "c=d"]);
        assert_eq!(
            parse_flags(&words("pods --bogus"), "get").unwrap_err(),
            "Error: unknown flag: --bogus\nSee 'kubectl get --help' for usage."
        );
    }
}
