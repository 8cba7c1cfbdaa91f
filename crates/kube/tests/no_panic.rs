//! Arbitrary manifest text never panics: not the YAML reader, not kind
//! resolution and validation, not defaulting, not the printers, not a
//! whole `kubectl apply` against a live simulated cluster.

use kube::kinds::Catalog;
use kube::manifest;
use proptest::prelude::*;

fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "apiVersion: v1\n",
        "apiVersion: apps/v1\n",
        "kind: Pod\n",
        "kind: ConfigMap\n",
        "kind: Deployment\n",
        "kind: Secret\n",
        "kind: Service\n",
        "kind: List\n",
        "metadata:\n",
        "  name: x\n",
        "  name: App_X\n",
        "  namespace: foo\n",
        "spec:\n",
        "  containers:\n",
        "  - name: a\n",
        "    image: nginx\n",
        "data:\n",
        "  A: 1\n",
        "  B: \"q\n",
        "  C: |\n",
        "    text\n",
        "  D: >-\n",
        "- \n",
        "---\n",
        "items:\n",
        "  - [1, {a: b}]\n",
        "  replicas: -1\n",
        "  replicas: x\n",
        "status: s\n",
        "status:\n  phase: Running\n",
        "\t\n",
        "# c\n",
        "{\"a\": [\n",
        "]}\n",
        "  selector: {matchLabels: {app: x}}\n",
        "  template: 7\n",
        "  ports: [{port: 99999}]\n",
        "'\n",
        "\"\\u12\"\n",
        "key: 'it''s'\n",
        "? k\n",
        "&a x\n",
        "*a\n",
        "- - - -\n",
        "      deep:\n",
        "stringData: {k: 1}\n",
        "type: 3\n",
    ]);
    prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
}

fn exercise(text: &str) {
    let catalog = Catalog::default();
    let Ok(docs) = manifest::documents(text, "STDIN") else { return };
    for d in docs {
        let _ = kube::yaml_emit::to_yaml(&d);
        let _ = kube::json::to_storage(&d);
        if let Ok(m) = manifest::resolve(d, &catalog, "STDIN", "default", false) {
            let _ = kube::validate::validate(&m);
            let mut obj = m.object.clone();
            kube::defaults::apply(&m.kind.kind, &mut obj, &mut kube::meta::Rng::new(1));
            let _ = kube::printers::row(&m.kind.kind, &obj, "x", 0, true);
            let _ = kube::kubectl::describe::render(&m.kind, &obj, &[obj.clone()], 0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
        let _ = kube::yaml::parse_documents(&text);
        let _ = kube::base64::decode(&text);
    }

    #[test]
    fn manifest_like_text_never_panics(text in yamlish()) {
        exercise(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn kubectl_apply_of_anything_never_panics(text in yamlish()) {
        let mut sim = sim::Sim::new(3, sim::SimOptions::default());
        sim.run_until(10_000, |s| s.leader().is_some());
        let mut k = kube::Kube::new(3);
        let args: Vec<String> = ["apply", "-f", "-"].iter().map(|s| s.to_string()).collect();
        let out = kube::kubectl(&mut k, &mut sim, &args, Some(&text), &|_| None);
        prop_assert!(out.exit == 0 || !out.stderr.is_empty());
        k.run_for(&mut sim, 3_000);
        let get: Vec<String> = ["get", "all", "-A", "-o", "wide"].iter().map(|s| s.to_string()).collect();
        let _ = kube::kubectl(&mut k, &mut sim, &get, None, &|_| None);
    }
}
