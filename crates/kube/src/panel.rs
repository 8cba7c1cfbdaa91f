//! What the app's Kubernetes panel needs: manifest templates (the seeds'
//! ConfigMap first), apply returning the key, the stored value and the
//! revision, and the resources listed by kind with their keys.

use sim::Sim;

use crate::kubectl::apply::{self, Mode};
use crate::{Kube, keys, manifest, meta};

/// A manifest template for the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// The menu label.
    pub name: &'static str,
    /// The YAML.
    pub yaml: &'static str,
}

/// The editor's templates; the seeds' ConfigMap is first.
pub const TEMPLATES: [Template; 6] = [
    Template {
        name: "ConfigMap (app-config)",
        yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: default\ndata:\n  DATABASE_HOST: mysql-service\n  DATABASE_PORT: \"3306\"\n  ENVIRONMENT: production\n",
    },
    Template {
        name: "Pod (nginx)",
        yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n  labels:\n    app: my-pod\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n    ports:\n    - containerPort: 80\n",
    },
    Template {
        name: "Deployment (3 replicas)",
        yaml: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n",
    },
    Template {
        name: "Service",
        yaml: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 80\n",
    },
    Template {
        name: "Secret",
        yaml: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  password: czNjcjN0\n",
    },
    Template { name: "Namespace", yaml: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: staging\n" },
];

/// One object applied from the panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// kubectl's line (`configmap/app-config created`) or its error.
    pub message: String,
    /// Whether it worked.
    pub ok: bool,
    /// The etcd key.
    pub key: Option<String>,
    /// The stored value as etcd holds it (JSON, or ciphertext shown lossily).
    pub stored: Option<String>,
    /// The key's mod_revision (the object's resourceVersion).
    pub revision: Option<i64>,
    /// `hexdump -C` of what a real cluster would store (protobuf), for
    /// ConfigMaps and Secrets; see [`crate::protobuf::EXPLANATION`].
    pub protobuf_hexdump: Option<String>,
}

/// One resource in the panel's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceEntry {
    /// `Pod`.
    pub kind: String,
    /// Namespace (empty when cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Its etcd key, for the key browser.
    pub key: String,
    /// Its mod_revision.
    pub revision: i64,
}

impl Applied {
    /// An object (or the whole text) that did not apply: kubectl's error line.
    fn failed(message: String, key: Option<String>) -> Applied {
        Applied { message, ok: false, key, stored: None, revision: None, protobuf_hexdump: None }
    }
}

impl Kube {
    /// Applies `text` (YAML or JSON, many documents) as `kubectl apply -f -`
    /// would, and reads back each object's key, stored bytes and revision.
    pub fn apply_text(&mut self, sim: &mut Sim, text: &str) -> Vec<Applied> {
        if let Err(e) = self.bootstrap(sim) {
            return vec![Applied::failed(e.kubectl(""), None)];
        }
        let docs = match manifest::documents(text, "STDIN") {
            Ok(d) if d.is_empty() => {
                return vec![Applied::failed("error: no objects passed to apply".to_string(), None)];
            }
            Ok(d) => d,
            Err(e) => return vec![Applied::failed(format!("error: {e}"), None)],
        };
        let mut out = Vec::new();
        for doc in docs {
            let m = match manifest::resolve(doc, &self.api.catalog, "STDIN", "default", false) {
                Ok(m) => m,
                Err(e) => {
                    out.push(Applied::failed(format!("error: {e}"), None));
                    continue;
                }
            };
            let key = apply::key_of(&m);
            match apply::apply_one(self, sim, m, "STDIN", Mode::Apply) {
                Ok(message) => {
                    let stored = crate::store::get(sim, &self.api.codec, &key).ok().flatten();
                    out.push(Applied {
                        message,
                        ok: true,
                        key: Some(key),
                        stored: stored.as_ref().map(|s| String::from_utf8_lossy(&s.raw).into_owned()),
                        protobuf_hexdump: stored
                            .as_ref()
                            .and_then(|s| crate::protobuf::encode(&s.object))
                            .map(|b| crate::protobuf::hexdump(&b)),
                        revision: stored.map(|s| s.mod_revision),
                    });
                }
                Err(message) => out.push(Applied::failed(message, Some(key))),
            }
        }
        out
    }

    /// Every object of every kind (namespaced ones in all namespaces),
    /// by kind then key.
    pub fn resources(&mut self, sim: &mut Sim) -> crate::Result<Vec<ResourceEntry>> {
        let kinds = self.api.catalog.all().to_vec();
        let mut out = Vec::new();
        for k in kinds {
            let (items, _) = self.api.list(sim, &k, None)?;
            for s in items {
                out.push(ResourceEntry {
                    kind: k.kind.clone(),
                    namespace: meta::namespace(&s.object).to_string(),
                    name: meta::name(&s.object).to_string(),
                    key: s.key.clone(),
                    revision: s.mod_revision,
                });
            }
        }
        Ok(out)
    }

    /// The key of `kind`/`name` in `namespace`, if the kind is known.
    pub fn key_for(&self, kind: &str, namespace: &str, name: &str) -> Option<String> {
        self.api.catalog.by_name(kind).map(|k| keys::key(k, namespace, name))
    }
}
