//! etcd keys exactly as kube-apiserver lays them out.
//!
//! ```text
//!   /registry/configmaps/default/app-config        namespaced
//!   /registry/namespaces/default                   cluster-scoped
//!   /registry/services/specs/default/web           Service
//!   /registry/services/endpoints/default/web       Endpoints
//!   /registry/minions/node-1                       Node
//!   /registry/controllers/default/rc-1             ReplicationController
//!   /registry/ingress/default/web                  Ingress
//!   /registry/leases/kube-node-lease/controlplane  Lease
//!   /registry/apiregistration.k8s.io/apiservices/v1.apps
//!   /registry/masterleases/172.18.0.10             the apiserver's endpoint lease (no kind)
//!   /registry/ranges/serviceips                    the Service IP allocator (no kind)
//!   /registry/example.com/widgets/default/w1       a custom resource
//! ```

use crate::kinds::Kind;

/// The root of every key.
pub const ROOT: &str = "/registry/";

/// The key of object `name` (in `namespace` when the kind is namespaced).
pub fn key(kind: &Kind, namespace: &str, name: &str) -> String {
    if kind.namespaced {
        format!("{ROOT}{}/{namespace}/{name}", kind.prefix)
    } else {
        format!("{ROOT}{}/{name}", kind.prefix)
    }
}

/// The prefix listing a kind: in one namespace, or everywhere (`None`).
pub fn prefix(kind: &Kind, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if kind.namespaced => format!("{ROOT}{}/{ns}/", kind.prefix),
        _ => format!("{ROOT}{}/", kind.prefix),
    }
}

/// The end of a prefix range (etcd's `--prefix`).
pub fn range_end(prefix: &str) -> Vec<u8> {
    mvcc::kv::prefix_end(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Catalog;

    #[test]
    fn keys_match_kube_apiserver() {
        let c = Catalog::default();
        let k = |n: &str| c.by_name(n).unwrap().clone();
        assert_eq!(key(&k("cm"), "default", "app-config"), "/registry/configmaps/default/app-config");
        assert_eq!(key(&k("ns"), "", "default"), "/registry/namespaces/default");
        assert_eq!(key(&k("svc"), "default", "web"), "/registry/services/specs/default/web");
        assert_eq!(key(&k("ep"), "default", "web"), "/registry/services/endpoints/default/web");
        assert_eq!(key(&k("node"), "", "node-1"), "/registry/minions/node-1");
        assert_eq!(key(&k("rc"), "default", "x"), "/registry/controllers/default/x");
        assert_eq!(key(&k("ing"), "default", "x"), "/registry/ingress/default/x");
        assert_eq!(key(&k("deploy"), "prod", "web"), "/registry/deployments/prod/web");
        assert_eq!(key(&k("clusterrole"), "", "admin"), "/registry/clusterroles/admin");
        assert_eq!(key(&k("lease"), "kube-node-lease", "n"), "/registry/leases/kube-node-lease/n");
        assert_eq!(
            key(&k("endpointslice"), "default", "kubernetes"),
            "/registry/endpointslices/default/kubernetes"
        );
        assert_eq!(
            key(&k("apiservice"), "", "v1.apps"),
            "/registry/apiregistration.k8s.io/apiservices/v1.apps"
        );
        assert_eq!(key(&k("ds"), "kube-system", "kube-proxy"), "/registry/daemonsets/kube-system/kube-proxy");
        assert_eq!(
            key(&k("pc"), "", "system-node-critical"),
            "/registry/priorityclasses/system-node-critical"
        );
        assert_eq!(key(&k("flowschema"), "", "exempt"), "/registry/flowschemas/exempt");
        assert_eq!(key(&k("csinode"), "", "n"), "/registry/csinodes/n");
        assert_eq!(prefix(&k("po"), Some("default")), "/registry/pods/default/");
        assert_eq!(prefix(&k("po"), None), "/registry/pods/");
    }
}
