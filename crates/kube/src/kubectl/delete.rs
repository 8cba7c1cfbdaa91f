//! `kubectl delete KIND NAME...`, `kubectl delete KIND/NAME`,
//! `kubectl delete -f FILE`: each a guarded delete (read, then delete if
//! the key's mod_revision has not moved).
//!
//! ```text
//!   kubectl delete cm app-config      configmap "app-config" deleted
//!   kubectl delete cm nope            Error from server (NotFound): configmaps "nope" not found
//! ```

use sim::Sim;

use super::{CommandOutput, Flags, resolve_kind, sources};
use crate::Kube;
use crate::kinds::Kind;

/// Runs `kubectl delete`.
pub fn delete(
    kube: &mut Kube,
    sim: &mut Sim,
    flags: &Flags,
    stdin: Option<&str>,
    files: &dyn Fn(&str) -> Option<String>,
) -> CommandOutput {
    let mut targets: Vec<(Kind, String, String)> = Vec::new();
    let mut out = CommandOutput::default();
    if !flags.files.is_empty() {
        let srcs = match sources(flags, stdin, files) {
            Ok(s) => s,
            Err(e) => return CommandOutput::fail(e),
        };
        for (source, text) in srcs {
            match crate::manifest::documents(&text, &source) {
                Ok(docs) => {
                    for d in docs {
                        match crate::manifest::resolve(
                            d,
                            &kube.api.catalog,
                            &source,
                            flags.ns(),
                            flags.namespace.is_some(),
                        ) {
                            Ok(m) => targets.push((
                                m.kind.clone(),
                                m.namespace().to_string(),
                                m.name().to_string(),
                            )),
                            Err(e) => out.err(format!("error: {e}")),
                        }
                    }
                }
                Err(e) => out.err(format!("error: {e}")),
            }
        }
    } else {
        let Some(first) = flags.positional.first() else {
            return CommandOutput::fail(
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
            );
        };
        if first.contains('/') {
            for p in &flags.positional {
                let Some((k, n)) = p.split_once('/') else { continue };
                match resolve_kind(kube, sim, k) {
                    Ok(kind) => targets.push((kind, flags.ns().to_string(), n.to_string())),
                    Err(e) => return CommandOutput::fail(e),
                }
            }
        } else {
            let kind = match resolve_kind(kube, sim, first) {
                Ok(k) => k,
                Err(e) => return CommandOutput::fail(e),
            };
            if flags.positional.len() < 2 {
                return CommandOutput::fail("error: resource(s) were provided, but no name was specified");
            }
            for n in &flags.positional[1..] {
                targets.push((kind.clone(), flags.ns().to_string(), n.clone()));
            }
        }
    }
    let grace = match flags.grace_period.as_deref().map(str::parse::<i64>).transpose() {
        Ok(g) => g.or(flags.force.then_some(0)),
        Err(_) => {
            return CommandOutput::fail(
                "Error: invalid argument for \"--grace-period\" flag: must be an integer",
            );
        }
    };
    if flags.force && grace == Some(0) {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
        out.exit = 0;
    }
    for (kind, ns, name) in targets {
        match kube.api.delete(sim, &kind, &ns, &name, None, grace) {
            Ok(_) if flags.force && grace == Some(0) => {
                out.out(format!("{} \"{name}\" force deleted", kind.qualified()))
            }
            Ok(_) => out.out(format!("{} \"{name}\" deleted", kind.qualified())),
            Err(e) => out.err(e.kubectl("")),
        }
    }
    out
}
