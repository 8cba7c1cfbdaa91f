//! The kinds the object layer serves: group, version, resource name,
//! scope, short names and where kube-apiserver keeps them in etcd.
//!
//! ```text
//!   kind        apiVersion                      resource          etcd prefix
//!   Pod         v1                              pods              /registry/pods/<ns>/
//!   Service     v1                              services          /registry/services/specs/<ns>/
//!   Node        v1                              nodes             /registry/minions/
//!   Deployment  apps/v1                         deployments       /registry/deployments/<ns>/
//!   Lease       coordination.k8s.io/v1          leases            /registry/leases/<ns>/
//!   APIService  apiregistration.k8s.io/v1       apiservices       /registry/apiregistration.k8s.io/apiservices/
//!   Widget      example.com/v1 (from its CRD)   widgets           /registry/example.com/widgets/<ns>/
//! ```

use serde_json::Value;

/// One kind and how it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kind {
    /// `ConfigMap`.
    pub kind: String,
    /// API group (`""` for the core group, `apps`, ...).
    pub group: String,
    /// The served version (`v1`).
    pub version: String,
    /// The resource, plural and lower case (`configmaps`).
    pub resource: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// kubectl's short names (`cm`).
    pub short: Vec<String>,
    /// The path under `/registry/` (`configmaps`, `services/specs`, `minions`).
    pub prefix: String,
}

impl Kind {
    /// `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    /// The lower-case singular (`configmap`), as kubectl prints in `configmap/x created`.
    pub fn singular(&self) -> String {
        self.kind.to_lowercase()
    }

    /// `configmap` or `deployment.apps`: the name kubectl prints before `/NAME`.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() { self.singular() } else { format!("{}.{}", self.singular(), self.group) }
    }

    /// `configmaps` or `deployments.apps`: the resource as the apiserver names it in errors.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    /// Whether `name` (any case) names this kind: resource, singular, short name, kind, or `resource.group`.
    pub fn matches(&self, name: &str) -> bool {
        let n = name.to_lowercase();
        n == self.resource
            || n == self.singular()
            || self.short.contains(&n)
            || n == self.qualified_resource()
            || n == self.qualified()
    }
}

fn k(kind: &str, group: &str, resource: &str, namespaced: bool, short: &[&str], prefix: &str) -> Kind {
    Kind {
        kind: kind.to_string(),
        group: group.to_string(),
        version: "v1".to_string(),
        resource: resource.to_string(),
        namespaced,
        short: short.iter().map(|s| s.to_string()).collect(),
        prefix: prefix.to_string(),
    }
}

const RBAC: &str = "rbac.authorization.k8s.io";
const FLOWCONTROL: &str = "flowcontrol.apiserver.k8s.io";

/// The built-in kinds.
pub fn builtin() -> Vec<Kind> {
    vec![
        k("Namespace", "", "namespaces", false, &["ns"], "namespaces"),
        k("Pod", "", "pods", true, &["po"], "pods"),
        k("Service", "", "services", true, &["svc"], "services/specs"),
        k("Endpoints", "", "endpoints", true, &["ep"], "services/endpoints"),
        k("ConfigMap", "", "configmaps", true, &["cm"], "configmaps"),
        k("Secret", "", "secrets", true, &[], "secrets"),
        k("Node", "", "nodes", false, &["no"], "minions"),
        k("ServiceAccount", "", "serviceaccounts", true, &["sa"], "serviceaccounts"),
        k("Event", "", "events", true, &["ev"], "events"),
        k("ReplicationController", "", "replicationcontrollers", true, &["rc"], "controllers"),
        k("Deployment", "apps", "deployments", true, &["deploy"], "deployments"),
        k("ReplicaSet", "apps", "replicasets", true, &["rs"], "replicasets"),
        k("Ingress", "networking.k8s.io", "ingresses", true, &["ing"], "ingress"),
        k("DaemonSet", "apps", "daemonsets", true, &["ds"], "daemonsets"),
        k("ControllerRevision", "apps", "controllerrevisions", true, &[], "controllerrevisions"),
        k("Lease", "coordination.k8s.io", "leases", true, &[], "leases"),
        k("EndpointSlice", "discovery.k8s.io", "endpointslices", true, &[], "endpointslices"),
        k("PriorityClass", "scheduling.k8s.io", "priorityclasses", false, &["pc"], "priorityclasses"),
        k("CSINode", "storage.k8s.io", "csinodes", false, &[], "csinodes"),
        k(
            "CertificateSigningRequest",
            "certificates.k8s.io",
            "certificatesigningrequests",
            false,
            &["csr"],
            "certificatesigningrequests",
        ),
        k("FlowSchema", FLOWCONTROL, "flowschemas", false, &[], "flowschemas"),
        k(
            "PriorityLevelConfiguration",
            FLOWCONTROL,
            "prioritylevelconfigurations",
            false,
            &[],
            "prioritylevelconfigurations",
        ),
        k(
            "APIService",
            "apiregistration.k8s.io",
            "apiservices",
            false,
            &[],
            "apiregistration.k8s.io/apiservices",
        ),
        k("Role", RBAC, "roles", true, &[], "roles"),
        k("RoleBinding", RBAC, "rolebindings", true, &[], "rolebindings"),
        k("ClusterRole", RBAC, "clusterroles", false, &[], "clusterroles"),
        k("ClusterRoleBinding", RBAC, "clusterrolebindings", false, &[], "clusterrolebindings"),
        k(
            "CustomResourceDefinition",
            "apiextensions.k8s.io",
            "customresourcedefinitions",
            false,
            &["crd", "crds"],
            "apiextensions.k8s.io/customresourcedefinitions",
        ),
    ]
}

/// The kind a stored CustomResourceDefinition defines, if it is well formed.
pub fn from_crd(crd: &Value) -> Option<Kind> {
    let spec = crd.get("spec")?;
    let group = spec.get("group")?.as_str()?.to_string();
    let names = spec.get("names")?;
    let kind = names.get("kind")?.as_str()?.to_string();
    let plural = names.get("plural")?.as_str()?.to_string();
    let version = spec
        .get("versions")
        .and_then(Value::as_array)
        .and_then(|vs| {
            vs.iter().find(|v| v.get("storage").and_then(Value::as_bool) == Some(true)).or_else(|| vs.first())
        })
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .or_else(|| spec.get("version").and_then(Value::as_str))
        .unwrap_or("v1")
        .to_string();
    let namespaced = spec.get("scope").and_then(Value::as_str) != Some("Cluster");
    let mut short: Vec<String> = names
        .get("shortNames")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if let Some(s) = names.get("singular").and_then(Value::as_str) {
        short.push(s.to_string());
    }
    Some(Kind {
        prefix: format!("{group}/{plural}"),
        kind,
        group,
        version,
        resource: plural,
        namespaced,
        short,
    })
}

/// The catalogue: built-in kinds plus those defined by CRDs.
#[derive(Clone, Debug)]
pub struct Catalog {
    kinds: Vec<Kind>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog { kinds: builtin() }
    }
}

impl Catalog {
    /// Adds (or replaces) a custom kind.
    pub fn add(&mut self, kind: Kind) {
        self.kinds.retain(|k| !(k.kind == kind.kind && k.group == kind.group));
        self.kinds.push(kind);
    }

    /// The kind for a manifest's `apiVersion` and `kind`.
    pub fn by_api(&self, api_version: &str, kind: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.kind == kind && k.api_version() == api_version)
    }

    /// The kind for a kubectl resource argument (`po`, `pods`, `deployment.apps`).
    pub fn by_name(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.matches(name))
    }

    /// The kind by its `Kind` name alone.
    pub fn by_kind(&self, kind: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// Every kind.
    pub fn all(&self) -> &[Kind] {
        &self.kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_resolve_like_kubectl() {
        let c = Catalog::default();
        assert_eq!(c.by_name("po").unwrap().kind, "Pod");
        assert_eq!(c.by_name("Deployments").unwrap().kind, "Deployment");
        assert_eq!(c.by_name("deployment.apps").unwrap().qualified(), "deployment.apps");
        assert_eq!(c.by_api("apps/v1", "Deployment").unwrap().resource, "deployments");
        assert!(c.by_api("extensions/v1beta1", "Deployment").is_none());
    }

    #[test]
    fn crds_define_kinds() {
        let crd = json!({"spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets", "shortNames": ["wd"]},
            "scope": "Namespaced", "versions": [{"name": "v1", "served": true, "storage": true}]}});
        let k = from_crd(&crd).unwrap();
        assert_eq!(k.prefix, "example.com/widgets");
        assert_eq!(k.api_version(), "example.com/v1");
        assert!(k.matches("wd"));
    }
}
