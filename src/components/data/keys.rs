//! The key browser: keys as a tree by `/` prefix; a key shows its value
//! (pretty JSON when it is JSON), create and mod revision, version, lease,
//! and its history across revisions with generations, tombstones and the
//! compaction line.

use leptos::prelude::*;
use mvcc::{EventType, RangeRequest};

use crate::live::{handler, live};
use crate::state::AppState;

/// Keys listed at most.
const LISTED: i64 = 500;

/// One row of the tree: a folder or a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRow {
    /// Depth in the tree.
    pub depth: usize,
    /// The folder's or key's last segment.
    pub label: String,
    /// The full key, for keys.
    pub key: Option<String>,
}

/// Folders and keys, in key order.
pub fn tree(keys: &[String]) -> Vec<TreeRow> {
    let mut rows = Vec::new();
    let mut open: Vec<String> = Vec::new();
    for key in keys {
        let parts: Vec<&str> = key.split('/').collect();
        let folders = &parts[..parts.len().saturating_sub(1)];
        let common = open.iter().zip(folders).take_while(|(a, b)| a.as_str() == **b).count();
        open.truncate(common);
        for (depth, f) in folders.iter().enumerate().skip(common) {
            rows.push(TreeRow { depth, label: format!("{f}/"), key: None });
            open.push((*f).to_string());
        }
        rows.push(TreeRow {
            depth: folders.len(),
            label: parts.last().copied().unwrap_or("").to_string(),
            key: Some(key.clone()),
        });
    }
    rows
}

/// Details of the selected key, as text rows.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
struct KeyDetail {
    value: String,
    meta: String,
    history: Vec<(String, &'static str)>,
}

/// The key browser panel.
#[component]
pub fn KeyBrowser() -> impl IntoView {
    let state = expect_context::<AppState>();
    let chosen = state.key;
    let keys = Memo::new(move |_| {
        state.data.track();
        state.read(|e| e.keys(LISTED as usize)).unwrap_or_default()
    });
    let detail = Memo::new(move |_| {
        state.data.track();
        let key = chosen.get()?;
        state
            .read(|e| {
                let m = e.read_member()?;
                let store = m.store();
                let req = RangeRequest { key: key.clone().into_bytes(), ..Default::default() };
                let kv = store.range(&req).ok().and_then(|r| r.kvs.into_iter().next());
                let mut d = KeyDetail::default();
                match kv {
                    Some(kv) => {
                        let raw = String::from_utf8_lossy(&kv.value).into_owned();
                        // Protobuf (`cluster reset --storage protobuf`): decoded, then the bytes.
                        d.value = kube::protobuf::readable(&kv.value).unwrap_or_else(|| {
                            serde_json::from_str::<serde_json::Value>(&raw)
                                .ok()
                                .filter(|v| v.is_object() || v.is_array())
                                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                                .unwrap_or(raw)
                        });
                        d.meta = format!(
                            "create_revision {} · mod_revision {} · version {} · lease {}",
                            kv.create_revision,
                            kv.mod_revision,
                            kv.version,
                            if kv.lease == 0 { "none".to_string() } else { format!("{:x}", kv.lease) }
                        );
                    }
                    None => d.meta = "deleted (a tombstone ends its last generation)".to_string(),
                }
                let compacted = store.compacted_revision();
                if compacted > 0 {
                    d.history.push((
                        format!("── compacted at revision {compacted}: older revisions are gone ──"),
                        "compact",
                    ));
                }
                for ev in store.key_history(key.as_bytes()) {
                    match ev.kind {
                        EventType::Put => d.history.push((
                            format!(
                                "rev {} · PUT v{} {}",
                                ev.kv.mod_revision,
                                ev.kv.version,
                                String::from_utf8_lossy(&ev.kv.value).chars().take(60).collect::<String>()
                            ),
                            if ev.kv.version == 1 { "put first" } else { "put" },
                        )),
                        EventType::Delete => d.history.push((
                            format!("rev {} · DELETE (tombstone: this generation ends)", ev.kv.mod_revision),
                            "tombstone",
                        )),
                    }
                }
                Some(d)
            })
            .flatten()
    });
    view! {
        <div class="keys" data-testid="key-browser">
            <div class="key-tree" role="tree" aria-label="keys">
                {live(move || keys.with(Vec::is_empty).then(|| view! { <p class="empty">"No keys yet. Try: etcdctl put /app/config '{\"replicas\": 3}'"</p> }.into_any()))}
                <For
                    each=move || tree(&keys.get())
                    // A key row by its key, a folder by depth and label (as a
                    // `String`, the key type the page's other lists use).
                    key=|r| match &r.key {
                        Some(k) => format!("k{k}"),
                        None => format!("f{} {}", r.depth, r.label),
                    }
                    children=move |r| {
                        let pad = format!("padding-left: {}rem", 0.4 + r.depth as f64 * 0.9);
                        match r.key {
                            Some(k) => {
                                let (k2, k3) = (k.clone(), k.clone());
                                view! {
                                    <button role="treeitem" data-testid="key-row" class=live(move || if chosen.get().as_deref() == Some(k.as_str()) { "key-row chosen" } else { "key-row" }.to_string())
                                        aria-selected=live(move || (chosen.get().as_deref() == Some(k3.as_str())).to_string())
                                        style=pad on:click=handler(move |_| chosen.set(Some(k2.clone())))>{r.label}</button>
                                }.into_any()
                            }
                            None => view! { <div class="folder-row" style=pad>{r.label}</div> }.into_any(),
                        }
                    }
                />
            </div>
            <div class="key-detail" data-testid="key-detail">
                {live(move || match (chosen.get(), detail.get()) {
                    (Some(k), Some(d)) => view! {
                        <h3 data-testid="key-detail-name">{k}</h3>
                        <p class="meta">{d.meta}</p>
                        <pre class="value" data-testid="key-detail-value">{d.value}</pre>
                        <h4>"History"</h4>
                        <ol class="history">
                            {d.history.into_iter().map(|(t, c)| view! { <li class=c>{t}</li> }.into_any()).collect_view()}
                        </ol>
                    }.into_any(),
                    _ => view! { <p class="empty">"Choose a key to see its value, revisions and history."</p> }.into_any(),
                })}
            </div>
        </div>
    }
}
