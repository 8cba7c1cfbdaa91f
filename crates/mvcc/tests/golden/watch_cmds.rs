//! Handlers for the watch commands:
//!
//! - `stream open` / `stream close S`: watch streams (commands use the
//!   first stream opened, opening one if needed, unless given `stream=S`);
//! - `watch <key> [end=E|prefix|from_key] [start=N] [prev_kv] [noput]
//!   [nodelete] [progress_notify] [id=N] [stream=S]`;
//! - `events [stream=S]`: drains and prints the stream's responses;
//! - `cancel <id> [stream=S]`, `progress [stream=S]`, `progress_notify`.

use mvcc::{StreamId, WatchCreateRequest, WatchFilter};

use super::env::{Env, err, key_range};
use super::render;
use super::script::Args;

type Out = Result<Vec<String>, String>;

fn stream_of(env: &mut Env, args: &Args) -> Result<StreamId, String> {
    if let Some(s) = args.int("stream")? {
        return u64::try_from(s).map_err(|_| "bad stream".to_string());
    }
    Ok(match env.default_stream {
        Some(s) => s,
        None => {
            let s = env.store.watch_stream_open();
            env.default_stream = Some(s);
            s
        }
    })
}

pub fn stream(env: &mut Env, args: &Args) -> Out {
    match args.text(0).as_deref() {
        Some("open") => {
            let s = env.store.watch_stream_open();
            env.default_stream.get_or_insert(s);
            Ok(vec![format!("stream={s}")])
        }
        Some("close") => {
            let s: u64 = args.text(1).ok_or("missing stream")?.parse().map_err(|_| "bad stream")?;
            if env.default_stream == Some(s) {
                env.default_stream = None;
            }
            Ok(match env.store.watch_stream_close(s) {
                Ok(()) => vec![],
                Err(e) => vec![err(e)],
            })
        }
        _ => Err("stream open|close S".into()),
    }
}

pub fn watch(env: &mut Env, args: &Args) -> Out {
    let (key, range_end) = key_range(args)?;
    let mut filters = Vec::new();
    if args.has("noput") {
        filters.push(WatchFilter::NoPut);
    }
    if args.has("nodelete") {
        filters.push(WatchFilter::NoDelete);
    }
    let req = WatchCreateRequest {
        key,
        range_end,
        start_revision: args.int("start")?.unwrap_or(0),
        progress_notify: args.has("progress_notify"),
        filters,
        prev_kv: args.has("prev_kv"),
        watch_id: args.int("id")?.unwrap_or(0),
        fragment: false,
    };
    let s = stream_of(env, args)?;
    Ok(match env.store.watch(s, &req) {
        Ok(id) => vec![format!("watch id={id}")],
        Err(e) => vec![err(e)],
    })
}

pub fn events(env: &mut Env, args: &Args) -> Out {
    let s = stream_of(env, args)?;
    Ok(match env.store.watch_drain(s) {
        Ok(rs) if rs.is_empty() => vec!["(none)".into()],
        Ok(rs) => rs.iter().flat_map(render::watch).collect(),
        Err(e) => vec![err(e)],
    })
}

pub fn cancel(env: &mut Env, args: &Args) -> Out {
    let id: i64 = args.text(0).ok_or("missing id")?.parse().map_err(|_| "bad id")?;
    let s = stream_of(env, args)?;
    Ok(match env.store.watch_cancel(s, id) {
        Ok(()) => vec![],
        Err(e) => vec![err(e)],
    })
}

pub fn progress(env: &mut Env, args: &Args) -> Out {
    let s = stream_of(env, args)?;
    Ok(match env.store.watch_request_progress(s) {
        Ok(()) => vec![],
        Err(e) => vec![err(e)],
    })
}

pub fn progress_notify(env: &mut Env) -> Out {
    env.store.watch_progress_notify();
    Ok(vec![])
}
