//! Secret encryption at rest, as kube-apiserver's `aescbc` provider does it.
//!
//! ```text
//!   EncryptionConfiguration: resources [secrets], providers [aescbc key1, identity]
//!   stored value = "k8s:enc:aescbc:v1:key1:" ‖ IV (16 bytes) ‖ AES-256-CBC(PKCS#7(JSON))
//! ```
//!
//! The key is derived from the playground's seed (SHA-256), and so is every
//! IV (SHA-256 of the seed and a counter): the same seed and inputs give the
//! same bytes. Values without the prefix are read as plain (the `identity`
//! provider), so turning encryption on does not lose older Secrets.

use sha2::{Digest, Sha256};

use crate::aes::Aes256;

/// The prefix of an encrypted value.
pub const PREFIX: &[u8] = b"k8s:enc:aescbc:v1:key1:";

/// The aescbc provider with its one key.
#[derive(Clone)]
pub struct Encryption {
    aes: Aes256,
    seed: u64,
    counter: u64,
}

impl std::fmt::Debug for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryption").field("key", &"key1").field("counter", &self.counter).finish()
    }
}

impl Encryption {
    /// The provider whose key derives from `seed`.
    pub fn new(seed: u64) -> Encryption {
        let mut h = Sha256::new();
        h.update(b"etcd-playground aescbc key1");
        h.update(seed.to_be_bytes());
        let key: [u8; 32] = h.finalize().into();
        Encryption { aes: Aes256::new(&key), seed, counter: 0 }
    }

    /// The base64 of the key, as it would appear in an EncryptionConfiguration.
    pub fn key_base64(seed: u64) -> String {
        let mut h = Sha256::new();
        h.update(b"etcd-playground aescbc key1");
        h.update(seed.to_be_bytes());
        crate::base64::encode(&h.finalize())
    }

    fn next_iv(&mut self) -> [u8; 16] {
        self.counter += 1;
        let mut h = Sha256::new();
        h.update(b"etcd-playground aescbc iv");
        h.update(self.seed.to_be_bytes());
        h.update(self.counter.to_be_bytes());
        let d = h.finalize();
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&d[..16]);
        iv
    }

    /// The stored form of `plain`.
    pub fn encrypt(&mut self, plain: &[u8]) -> Vec<u8> {
        let iv = self.next_iv();
        let pad = 16 - plain.len() % 16;
        let mut data = plain.to_vec();
        data.extend(std::iter::repeat_n(pad as u8, pad));
        let mut out = PREFIX.to_vec();
        out.extend_from_slice(&iv);
        let mut prev = iv;
        for chunk in data.chunks(16) {
            let mut block = [0u8; 16];
            for i in 0..16 {
                block[i] = chunk[i] ^ prev[i];
            }
            self.aes.encrypt(&mut block);
            out.extend_from_slice(&block);
            prev = block;
        }
        out
    }

    /// The plain form of a stored value (values without the prefix are plain).
    pub fn decrypt(&self, stored: &[u8]) -> Result<Vec<u8>, String> {
        let Some(body) = stored.strip_prefix(PREFIX) else { return Ok(stored.to_vec()) };
        if body.len() < 32 || body.len() % 16 != 0 {
            return Err("invalid ciphertext: not a whole number of blocks".to_string());
        }
        let mut prev: [u8; 16] = body[..16].try_into().map_err(|_| "short IV".to_string())?;
        let mut out = Vec::with_capacity(body.len() - 16);
        for chunk in body[16..].chunks(16) {
            let mut block: [u8; 16] = chunk.try_into().map_err(|_| "short block".to_string())?;
            let cipher = block;
            self.aes.decrypt(&mut block);
            for i in 0..16 {
                out.push(block[i] ^ prev[i]);
            }
            prev = cipher;
        }
        let pad = usize::from(*out.last().unwrap_or(&0));
        if pad == 0
            || pad > 16
            || pad > out.len()
            || !out[out.len() - pad..].iter().all(|&b| usize::from(b) == pad)
        {
            return Err("invalid padding on input".to_string());
        }
        out.truncate(out.len() - pad);
        Ok(out)
    }
}

/// Whether a stored value is encrypted.
pub fn is_encrypted(stored: &[u8]) -> bool {
    stored.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_the_prefix() {
        let mut e = Encryption::new(7);
        let plain = b"{\"kind\":\"Secret\",\"data\":{\"password\":\"czNjcjN0\"}}\n";
        let stored = e.encrypt(plain);
        assert!(is_encrypted(&stored));
        assert!(!stored.windows(8).any(|w| w == b"czNjcjN0"));
        assert_eq!(e.decrypt(&stored).unwrap(), plain);
        assert_eq!(e.decrypt(b"plain").unwrap(), b"plain");
        let mut bad = stored.clone();
        bad.pop();
        assert!(e.decrypt(&bad).is_err());
        // Same seed, same bytes.
        assert_eq!(Encryption::new(7).encrypt(plain), stored);
    }
}
