//! Handlers for the key-value commands:
//!
//! - `put <key> <value> [lease=ID] [prev_kv] [ignore_value] [ignore_lease]`
//! - `get <key> [end=E|prefix|from_key] [rev=N] [limit=N] [count_only]
//!   [keys_only] [sort=key|version|create|mod|value] [order=none|asc|desc]
//!   [min_mod=N] [max_mod=N] [min_create=N] [max_create=N]`
//! - `del <key> [end=E|prefix|from_key] [prev_kv]`
//! - `compact <rev>`, `hash [rev=N]`, `size`, `defrag`
//! - `dump <key>`: the key's generations, `{2.0 3.0(t)} {}`;
//! - `history <key>`: the key's retained changes, as events.

use mvcc::{DeleteRangeRequest, PutRequest, RangeRequest, SortOrder, SortTarget};

use super::env::{Env, err, key_range};
use super::render;
use super::script::Args;

type Out = Result<Vec<String>, String>;

/// Builds a put request from arguments.
pub fn put_request(args: &Args) -> Result<PutRequest, String> {
    Ok(PutRequest {
        key: args.pos.first().cloned().ok_or("missing key")?,
        value: args.pos.get(1).cloned().unwrap_or_default(),
        lease: args.int("lease")?.unwrap_or(0),
        prev_kv: args.has("prev_kv"),
        ignore_value: args.has("ignore_value"),
        ignore_lease: args.has("ignore_lease"),
    })
}

/// Builds a range request from arguments.
pub fn range_request(args: &Args) -> Result<RangeRequest, String> {
    let (key, range_end) = key_range(args)?;
    let sort_target = match args.bytes("sort").as_deref() {
        None | Some(b"key") => SortTarget::Key,
        Some(b"version") => SortTarget::Version,
        Some(b"create") => SortTarget::Create,
        Some(b"mod") => SortTarget::Mod,
        Some(b"value") => SortTarget::Value,
        Some(other) => return Err(format!("bad sort {}", String::from_utf8_lossy(other))),
    };
    let sort_order = match args.bytes("order").as_deref() {
        None | Some(b"none") => SortOrder::None,
        Some(b"asc") => SortOrder::Ascend,
        Some(b"desc") => SortOrder::Descend,
        Some(other) => return Err(format!("bad order {}", String::from_utf8_lossy(other))),
    };
    Ok(RangeRequest {
        key,
        range_end,
        limit: args.int("limit")?.unwrap_or(0),
        revision: args.int("rev")?.unwrap_or(0),
        sort_order,
        sort_target,
        keys_only: args.has("keys_only"),
        count_only: args.has("count_only"),
        min_mod_revision: args.int("min_mod")?.unwrap_or(0),
        max_mod_revision: args.int("max_mod")?.unwrap_or(0),
        min_create_revision: args.int("min_create")?.unwrap_or(0),
        max_create_revision: args.int("max_create")?.unwrap_or(0),
        ..RangeRequest::default()
    })
}

/// Builds a delete request from arguments.
pub fn delete_request(args: &Args) -> Result<DeleteRangeRequest, String> {
    let (key, range_end) = key_range(args)?;
    Ok(DeleteRangeRequest { key, range_end, prev_kv: args.has("prev_kv") })
}

pub fn put(env: &mut Env, args: &Args) -> Out {
    let req = put_request(args)?;
    Ok(match env.store.put(&req) {
        Ok(r) => {
            let mut out = vec![format!("rev={}", r.header.revision)];
            out.extend(r.prev_kv.iter().map(|k| format!("prev: {}", render::kv(k))));
            out
        }
        Err(e) => vec![err(e)],
    })
}

pub fn get(env: &mut Env, args: &Args) -> Out {
    let req = range_request(args)?;
    Ok(match env.store.range(&req) {
        Ok(r) => render::range(&r, ""),
        Err(e) => vec![err(e)],
    })
}

pub fn del(env: &mut Env, args: &Args) -> Out {
    let req = delete_request(args)?;
    Ok(match env.store.delete_range(&req) {
        Ok(r) => {
            let mut out = vec![format!("rev={} deleted={}", r.header.revision, r.deleted)];
            out.extend(r.prev_kvs.iter().map(|k| format!("prev: {}", render::kv(k))));
            out
        }
        Err(e) => vec![err(e)],
    })
}

pub fn compact(env: &mut Env, args: &Args) -> Out {
    let rev: i64 = args.text(0).ok_or("missing revision")?.parse().map_err(|_| "bad revision")?;
    Ok(match env.store.compact(rev) {
        Ok(r) => vec![format!("rev={} compacted={}", r.header.revision, env.store.compacted_revision())],
        Err(e) => vec![err(e)],
    })
}

pub fn hash(env: &mut Env, args: &Args) -> Out {
    let rev = args.int("rev")?.unwrap_or(0);
    Ok(match env.store.hash_kv(rev) {
        Ok(h) => vec![format!(
            "hash={} hash_rev={} compact_rev={} rev={}",
            h.hash, h.hash_revision, h.compact_revision, h.header.revision
        )],
        Err(e) => vec![err(e)],
    })
}

pub fn size(env: &mut Env) -> Out {
    Ok(vec![format!("size={} in_use={}", env.store.size(), env.store.size_in_use())])
}

pub fn defrag(env: &mut Env) -> Out {
    let size = env.store.defrag();
    Ok(vec![format!("size={size} in_use={}", env.store.size_in_use())])
}

pub fn dump(env: &mut Env, args: &Args) -> Out {
    let key = args.pos.first().ok_or("missing key")?;
    let Some(ki) = env.store.index().key_index(key) else { return Ok(vec!["(no history)".into()]) };
    let last = ki.generation_count() - 1;
    let gens: Vec<String> = ki
        .generations()
        .enumerate()
        .map(|(gi, g)| {
            let revs: Vec<String> = g
                .revs
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let t = if gi != last && i + 1 == g.revs.len() { "(t)" } else { "" };
                    format!("{}{t}", e.rev)
                })
                .collect();
            format!("{{{}}}", revs.join(" "))
        })
        .collect();
    Ok(vec![gens.join(" ")])
}

pub fn history(env: &mut Env, args: &Args) -> Out {
    let key = args.pos.first().ok_or("missing key")?;
    let h = env.store.key_history(key);
    Ok(if h.is_empty() { vec!["(no history)".into()] } else { h.iter().map(render::event).collect() })
}
