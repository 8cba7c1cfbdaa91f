//! The apiserver's storage layer over etcd (k8s.io/apiserver
//! `storage/etcd3/store.go`): objects as keys, writes as transactions
//! guarded by the key's mod_revision.
//!
//! ```text
//!   create:  txn if mod_revision(key) == 0  then put(key, obj)  else (AlreadyExists)
//!   update:  txn if mod_revision(key) == RV then put(key, obj)  else get(key) -> 409 Conflict / 404
//!   delete:  txn if mod_revision(key) == RV then delete(key)    else get(key) -> retry or 409
//!   read:    resourceVersion = the key's mod_revision; a list's = the header revision
//! ```
//!
//! resourceVersion is blanked before an object is stored: etcd's revision is
//! the only version. Secrets are encrypted when the codec says so.

use mvcc::{
    Compare, CompareResult, CompareTarget, DeleteRangeRequest, PutRequest, RangeRequest, RequestOp,
    ResponseOp, TxnRequest,
};
use serde_json::Value;
use server::{Request, Response};
use sim::Sim;

use crate::client;
use crate::encryption::Encryption;
use crate::error::{ApiError, Result};
use crate::kinds::Kind;

/// An object as read from (or written to) etcd.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// Its key.
    pub key: String,
    /// The object, `metadata.resourceVersion` set to the key's mod_revision.
    pub object: Value,
    /// The key's mod_revision.
    pub mod_revision: i64,
    /// The bytes in etcd (JSON, or ciphertext for an encrypted Secret).
    pub raw: Vec<u8>,
}

/// Encodes and decodes stored values (JSON; aescbc for Secrets when on).
#[derive(Clone, Debug)]
pub struct Codec {
    /// The aescbc provider.
    pub encryption: Encryption,
    /// Whether new Secrets are encrypted.
    pub encrypt_secrets: bool,
    /// Whether objects are stored as protobuf (`k8s\0`...), as a real
    /// apiserver's default `--storage-media-type` does, for the kinds
    /// [`crate::protobuf`] knows; JSON otherwise.
    pub protobuf: bool,
}

impl Codec {
    /// A codec whose key derives from `seed`; encryption off.
    pub fn new(seed: u64) -> Codec {
        Codec { encryption: Encryption::new(seed), encrypt_secrets: false, protobuf: false }
    }

    /// The bytes to store for `obj` of `kind` (resourceVersion blanked).
    pub fn encode(&mut self, kind: &Kind, obj: &Value) -> Vec<u8> {
        let mut obj = obj.clone();
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
        let bytes = match self.protobuf {
            true => crate::protobuf::encode(&obj).unwrap_or_else(|| crate::json::to_storage(&obj)),
            false => crate::json::to_storage(&obj),
        };
        if self.encrypt_secrets && kind.kind == "Secret" && kind.group.is_empty() {
            self.encryption.encrypt(&bytes)
        } else {
            bytes
        }
    }

    /// The object stored in `raw` at `mod_revision`.
    pub fn decode(&self, raw: &[u8], mod_revision: i64) -> Result<Value> {
        let plain = self.encryption.decrypt(raw).map_err(ApiError::internal)?;
        let mut obj: Value = match plain.starts_with(crate::protobuf::MAGIC) {
            true => crate::protobuf::decode(&plain)
                .ok_or_else(|| ApiError::internal("unable to decode stored object: malformed protobuf"))?,
            false => serde_json::from_slice(&plain)
                .map_err(|e| ApiError::internal(format!("unable to decode stored object: {e}")))?,
        };
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.insert("resourceVersion".into(), Value::String(mod_revision.to_string()));
        }
        Ok(obj)
    }
}

fn mod_equals(key: &str, rev: i64) -> Compare {
    Compare {
        result: CompareResult::Equal,
        target: CompareTarget::Mod(rev),
        key: key.as_bytes().to_vec(),
        range_end: Vec::new(),
    }
}

fn range(key: &str) -> RangeRequest {
    RangeRequest { key: key.as_bytes().to_vec(), ..Default::default() }
}

/// The transaction that creates `key` (with `lease`, 0 for none).
pub fn create_txn(key: &str, value: Vec<u8>, lease: i64) -> TxnRequest {
    TxnRequest {
        compare: vec![mod_equals(key, 0)],
        success: vec![RequestOp::Put(PutRequest {
            key: key.as_bytes().to_vec(),
            value,
            lease,
            ..Default::default()
        })],
        failure: vec![],
    }
}

/// The transaction that replaces `key` if it is still at `rev`.
pub fn update_txn(key: &str, value: Vec<u8>, rev: i64) -> TxnRequest {
    put_txn(key, value, rev, 0)
}

/// The transaction that writes `key` (under `lease`, 0 for none) if its
/// mod_revision is still `rev` (0: if it does not exist), reading the key
/// when it is not: what a renewal sends, creating the key again if it went.
pub fn put_txn(key: &str, value: Vec<u8>, rev: i64, lease: i64) -> TxnRequest {
    TxnRequest {
        compare: vec![mod_equals(key, rev)],
        success: vec![RequestOp::Put(PutRequest {
            key: key.as_bytes().to_vec(),
            value,
            lease,
            ..Default::default()
        })],
        failure: vec![RequestOp::Range(range(key))],
    }
}

/// The transaction that deletes `key` if it is still at `rev`.
pub fn delete_txn(key: &str, rev: i64) -> TxnRequest {
    TxnRequest {
        compare: vec![mod_equals(key, rev)],
        success: vec![RequestOp::DeleteRange(DeleteRangeRequest {
            key: key.as_bytes().to_vec(),
            ..Default::default()
        })],
        failure: vec![RequestOp::Range(range(key))],
    }
}

fn txn(sim: &mut Sim, t: TxnRequest) -> Result<mvcc::TxnResponse> {
    match client::call(sim, Request::Txn(t))? {
        Response::Txn(r) => Ok(r),
        other => Err(ApiError::internal(format!("unexpected response {other:?}"))),
    }
}

/// Reads one key.
pub fn get(sim: &mut Sim, codec: &Codec, key: &str) -> Result<Option<Stored>> {
    let resp = client::call(sim, Request::Range { req: range(key), serializable: false })?;
    let Response::Range(r) = resp else { return Err(ApiError::internal("unexpected response")) };
    match r.kvs.into_iter().next() {
        None => Ok(None),
        Some(kv) => {
            let object = codec.decode(&kv.value, kv.mod_revision)?;
            Ok(Some(Stored { key: key.to_string(), object, mod_revision: kv.mod_revision, raw: kv.value }))
        }
    }
}

/// Reads every key under `prefix`; returns them with the list's revision
/// (the response header's). Undecodable values are skipped.
pub fn list(sim: &mut Sim, codec: &Codec, prefix: &str) -> Result<(Vec<Stored>, i64)> {
    let req = RangeRequest {
        key: prefix.as_bytes().to_vec(),
        range_end: crate::keys::range_end(prefix),
        ..Default::default()
    };
    let resp = client::call(sim, Request::Range { req, serializable: false })?;
    let Response::Range(r) = resp else { return Err(ApiError::internal("unexpected response")) };
    let items = r
        .kvs
        .into_iter()
        .filter_map(|kv| {
            let object = codec.decode(&kv.value, kv.mod_revision).ok()?;
            Some(Stored {
                key: String::from_utf8_lossy(&kv.key).into_owned(),
                object,
                mod_revision: kv.mod_revision,
                raw: kv.value,
            })
        })
        .collect();
    Ok((items, r.header.revision))
}

/// Creates `obj` at `key`; AlreadyExists if the key is there.
pub fn create(
    sim: &mut Sim,
    codec: &mut Codec,
    kind: &Kind,
    key: &str,
    obj: &Value,
    lease: i64,
) -> Result<Stored> {
    let raw = codec.encode(kind, obj);
    let r = txn(sim, create_txn(key, raw.clone(), lease))?;
    if !r.succeeded {
        return Err(ApiError::already_exists(&kind.qualified_resource(), crate::meta::name(obj)));
    }
    let rev = r.header.revision;
    let object = codec.decode(&raw, rev)?;
    Ok(Stored { key: key.to_string(), object, mod_revision: rev, raw })
}

/// Replaces the object at `key` if its mod_revision is still `rev`:
/// Conflict if it moved, NotFound if it is gone.
pub fn update(
    sim: &mut Sim,
    codec: &mut Codec,
    kind: &Kind,
    key: &str,
    obj: &Value,
    rev: i64,
) -> Result<Stored> {
    let raw = codec.encode(kind, obj);
    let r = txn(sim, update_txn(key, raw.clone(), rev))?;
    let name = crate::meta::name(obj);
    if !r.succeeded {
        let gone = matches!(r.responses.first(), Some(ResponseOp::Range(rr)) if rr.kvs.is_empty());
        return Err(if gone {
            ApiError::not_found(&kind.qualified_resource(), name)
        } else {
            ApiError::conflict(&kind.qualified_resource(), name)
        });
    }
    let rev = r.header.revision;
    let object = codec.decode(&raw, rev)?;
    Ok(Stored { key: key.to_string(), object, mod_revision: rev, raw })
}

/// Deletes `key` as the apiserver does: read, then delete if unchanged;
/// with a precondition (`expected`) a moved key is a Conflict, without one
/// the delete retries on the newer revision.
pub fn delete(
    sim: &mut Sim,
    codec: &Codec,
    kind: &Kind,
    key: &str,
    name: &str,
    expected: Option<i64>,
) -> Result<Stored> {
    for _ in 0..5 {
        let Some(cur) = get(sim, codec, key)? else {
            return Err(ApiError::not_found(&kind.qualified_resource(), name));
        };
        if let Some(e) = expected
            && e != cur.mod_revision
        {
            return Err(ApiError::conflict(&kind.qualified_resource(), name));
        }
        let r = txn(sim, delete_txn(key, cur.mod_revision))?;
        if r.succeeded {
            return Ok(cur);
        }
        if expected.is_some() {
            return Err(ApiError::conflict(&kind.qualified_resource(), name));
        }
    }
    Err(ApiError::conflict(&kind.qualified_resource(), name))
}
