//! Handlers for snapshots:
//!
//! - `snapshot`: serializes the store and keeps the bytes;
//! - `snapshot truncate=N`: keeps only the first N bytes of the kept ones;
//! - `snapshot flip=N`: flips a bit of byte N of the kept ones;
//! - `restore`: replaces the store with one restored from the kept bytes,
//!   printing its revisions and hash.

use mvcc::{Store, StoreConfig};

use super::env::{Env, err};
use super::script::Args;

type Out = Result<Vec<String>, String>;

pub fn snapshot(env: &mut Env, args: &Args) -> Out {
    if let Some(n) = args.int("truncate")? {
        env.snapshot.truncate(usize::try_from(n).map_err(|_| "bad length")?);
        return Ok(vec![format!("bytes={}", env.snapshot.len())]);
    }
    if let Some(n) = args.int("flip")? {
        let b = env
            .snapshot
            .get_mut(usize::try_from(n).map_err(|_| "bad offset")?)
            .ok_or("offset out of range")?;
        *b ^= 1;
        return Ok(vec![format!("flipped byte {n}")]);
    }
    env.snapshot = env.store.snapshot();
    let h = env.store.hash_kv(0).map_err(|e| e.to_string())?;
    Ok(vec![format!("saved rev={} hash={}", env.store.current_revision(), h.hash)])
}

pub fn restore(env: &mut Env) -> Out {
    Ok(match Store::restore(&env.snapshot, StoreConfig::default()) {
        Ok(s) => {
            env.store = s;
            env.default_stream = None;
            let h = env.store.hash_kv(0).map_err(|e| e.to_string())?;
            vec![format!(
                "restored rev={} compacted={} hash={} size={}",
                env.store.current_revision(),
                env.store.compacted_revision(),
                h.hash,
                env.store.size()
            )]
        }
        Err(e) => vec![err(e)],
    })
}
