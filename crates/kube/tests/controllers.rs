//! The controller flow end to end through the simulated cluster: a
//! Deployment's pods are Running within a stated virtual time; with quorum
//! lost nothing moves; after healing everything converges.

use kube::Kube;
use mvcc::RangeRequest;
use serde_json::Value;
use server::{Request, Response};
use sim::{Fault, Sim, SimOptions};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
";

/// Pods are Running within this much virtual time after the apply.
const CONVERGE_MS: u64 = 10_000;

fn kubectl(kube: &mut Kube, sim: &mut Sim, line: &str, stdin: Option<&str>) -> kube::CommandOutput {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    kube::kubectl(kube, sim, &args, stdin, &|_| None)
}

/// Pods by phase, read serializably from member `member` (works without quorum).
/// The pods of the default namespace (the deployment's), as `member` holds
/// them; kube-system's static control-plane pods are left out.
fn pods_local(sim: &mut Sim, member: u64) -> Vec<(String, String, Option<String>)> {
    let prefix = "/registry/pods/default/";
    let req = RangeRequest {
        key: prefix.as_bytes().to_vec(),
        range_end: mvcc::kv::prefix_end(prefix.as_bytes()),
        ..Default::default()
    };
    let Ok(Response::Range(r)) = sim.call(member, Request::Range { req, serializable: true }) else {
        panic!("local read failed")
    };
    r.kvs
        .iter()
        .map(|kv| {
            let v: Value = serde_json::from_slice(&kv.value).unwrap();
            let phase = v.pointer("/status/phase").and_then(Value::as_str).unwrap_or("").to_string();
            let node = v.pointer("/spec/nodeName").and_then(Value::as_str).map(str::to_string);
            (String::from_utf8_lossy(&kv.key).into_owned(), phase, node)
        })
        .collect()
}

fn running(pods: &[(String, String, Option<String>)]) -> usize {
    pods.iter().filter(|(_, p, n)| p == "Running" && n.is_some()).count()
}

fn cluster() -> (Sim, Kube) {
    let mut sim = Sim::new(7, SimOptions::default());
    assert!(sim.run_until(10_000, |s| s.leader().is_some()));
    (sim, Kube::new(7))
}

#[test]
fn deployment_pods_run_within_the_stated_time() {
    let (mut sim, mut kube) = cluster();
    let out = kubectl(&mut kube, &mut sim, "apply -f -", Some(DEPLOYMENT));
    assert_eq!(out.stdout, "deployment.apps/web created\n", "{}", out.stderr);
    let start = sim.now_ms();
    let mut converged_at = None;
    while sim.now_ms() < start + CONVERGE_MS {
        kube.run_for(&mut sim, 100);
        let ep = kube::client::endpoint(&sim);
        if running(&pods_local(&mut sim, ep)) == 3 {
            converged_at = Some(sim.now_ms() - start);
            break;
        }
    }
    assert!(converged_at.is_some(), "pods not Running within {CONVERGE_MS} ms");
    let out = kubectl(&mut kube, &mut sim, "get deployment web", None);
    kube.run_for(&mut sim, 2_000);
    let out2 = kubectl(&mut kube, &mut sim, "get deployment web", None);
    assert!(out.stdout.contains("web") && out2.stdout.contains("3/3"), "{}", out2.stdout);
    // Every pod's key and node, bound by the scheduler across both nodes.
    let ep = kube::client::endpoint(&sim);
    let pods = pods_local(&mut sim, ep);
    assert!(pods.iter().all(|(k, _, _)| k.starts_with("/registry/pods/default/web-")));
    assert!(pods.iter().any(|(_, _, n)| n.as_deref() == Some("node-1")));
    assert!(pods.iter().any(|(_, _, n)| n.as_deref() == Some("node-2")));
}

#[test]
fn nothing_moves_without_quorum_and_everything_converges_after_heal() {
    let (mut sim, mut kube) = cluster();
    kubectl(&mut kube, &mut sim, "apply -f -", Some(DEPLOYMENT));
    kube.run_for(&mut sim, CONVERGE_MS);
    let out = kubectl(&mut kube, &mut sim, "scale deployment web --replicas=5", None);
    assert_eq!(out.stdout, "deployment.apps/web scaled\n", "{}", out.stderr);
    // Quorum lost before the controllers see the change.
    let (m1, m2, m3) = (sim.member_id(1).unwrap(), sim.member_id(2).unwrap(), sim.member_id(3).unwrap());
    // What the cluster had committed, and applied, at the moment of the stop:
    // the most any member knows (the leader's view).
    let statuses: Vec<_> = [m1, m2, m3].iter().map(|&m| sim.member(m).unwrap().status()).collect();
    let committed_at_stop = statuses.iter().map(|s| s.commit).max().unwrap();
    let rev_at_stop = statuses.iter().map(|s| s.revision).max().unwrap();
    sim.apply(Fault::Stop { member: m1 }).unwrap();
    sim.apply(Fault::Stop { member: m2 }).unwrap();
    // Messages the stopped members sent before the stop are still on the
    // wire; let them land (catch-up on entries committed before the stop),
    // without running the controllers.
    let settle_by = sim.now_ms() + 1_000;
    assert!(
        sim.run_until(settle_by, |s| s.network().in_flight().all(|f| f.msg.from != m1 && f.msg.from != m2))
    );
    let caught_up = sim.member(m3).unwrap().status();
    assert!(caught_up.commit <= committed_at_stop, "etcd-3 committed past the stop: {caught_up:?}");
    assert!(caught_up.revision <= rev_at_stop, "etcd-3 applied past the stop: {caught_up:?}");
    // From here on nothing may move at all.
    let before = pods_local(&mut sim, m3);
    assert_eq!(running(&before), 3);
    let (commit_before, applied_before, rev_before) =
        (caught_up.commit, caught_up.applied, caught_up.revision);
    kube.run_for(&mut sim, 30_000);
    assert_eq!(pods_local(&mut sim, m3), before, "pods changed without quorum");
    let after = sim.member(m3).unwrap().status();
    assert_eq!(after.revision, rev_before, "etcd moved without quorum");
    assert_eq!((after.commit, after.applied), (commit_before, applied_before), "committed without quorum");
    let out = kubectl(&mut kube, &mut sim, "get pods", None);
    assert_eq!(
        out.stderr,
        "Error from server (Timeout): Timeout: request did not complete within requested timeout - context deadline exceeded\n"
    );
    assert_eq!(out.exit, 1);
    // Heal: the cluster elects a leader, the controllers catch up.
    sim.apply(Fault::Start { member: m1 }).unwrap();
    sim.apply(Fault::Start { member: m2 }).unwrap();
    let mut ok = false;
    for _ in 0..600 {
        kube.run_for(&mut sim, 100);
        if let Some(l) = sim.leader()
            && running(&pods_local(&mut sim, l)) == 5
        {
            ok = true;
            break;
        }
    }
    assert!(ok, "did not converge after heal: {:?}", pods_local(&mut sim, m3));
    kube.run_for(&mut sim, 3_000);
    let out = kubectl(&mut kube, &mut sim, "get deploy", None);
    assert!(out.stdout.contains("5/5"), "{}{}", out.stdout, out.stderr);
}

#[test]
fn the_same_seed_gives_the_same_keys_and_values() {
    let run = || {
        let (mut sim, mut kube) = cluster();
        kubectl(&mut kube, &mut sim, "apply -f -", Some(DEPLOYMENT));
        kube.run_for(&mut sim, 5_000);
        let ep = kube::client::endpoint(&sim);
        let req = RangeRequest {
            key: b"/registry/".to_vec(),
            range_end: b"/registry0".to_vec(),
            ..Default::default()
        };
        match sim.call(ep, Request::Range { req, serializable: true }) {
            Ok(Response::Range(r)) => r.kvs,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(run(), run());
}

#[test]
fn the_panel_applies_templates_and_lists_resources() {
    let (mut sim, mut kube) = cluster();
    let applied = kube.apply_text(&mut sim, kube::TEMPLATES[0].yaml);
    assert_eq!(applied.len(), 1);
    let a = &applied[0];
    assert!(a.ok, "{}", a.message);
    assert_eq!(a.message, "configmap/app-config created");
    assert_eq!(a.key.as_deref(), Some("/registry/configmaps/default/app-config"));
    assert!(a.stored.as_deref().unwrap().starts_with("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\""));
    assert!(a.revision.unwrap() > 0);
    // What a real cluster would hold: protobuf behind the k8s\x00 magic.
    assert!(
        a.protobuf_hexdump.as_deref().unwrap().starts_with("00000000  6b 38 73 00 0a 0f 0a 02  76 31 12 09")
    );
    // Nothing to apply is kubectl's error, as `kubectl apply -f -` says it.
    let empty = kube.apply_text(&mut sim, "  \n");
    assert_eq!(empty.len(), 1);
    assert_eq!((empty[0].message.as_str(), empty[0].ok), ("error: no objects passed to apply", false));
    for t in kube::TEMPLATES {
        for a in kube.apply_text(&mut sim, t.yaml) {
            assert!(a.ok, "{}: {}", t.name, a.message);
        }
    }
    let list = kube.resources(&mut sim).unwrap();
    assert!(list.iter().any(|r| r.kind == "ConfigMap" && r.key == "/registry/configmaps/default/app-config"));
    assert!(list.iter().any(|r| r.kind == "Namespace" && r.name == "staging"));
    assert_eq!(
        kube.key_for("svc", "default", "web").as_deref(),
        Some("/registry/services/specs/default/web")
    );
}
