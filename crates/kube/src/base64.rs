//! Standard base64 (RFC 4648, padded), strict like Go's `base64.StdEncoding`:
//! Secret `data` must decode, and errors name the byte as the apiserver does
//! (`illegal base64 data at input byte 4`).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Decodes `text`; the error is the offset of the first bad byte, as Go reports it.
pub fn decode(text: &str) -> Result<Vec<u8>, usize> {
    // Go skips newlines.
    let bytes: Vec<(usize, u8)> =
        text.bytes().enumerate().filter(|(_, b)| *b != b'\n' && *b != b'\r').collect();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (q, quad) in bytes.chunks(4).enumerate() {
        let mut n: u32 = 0;
        let mut pad = 0;
        for (j, (pos, c)) in quad.iter().enumerate() {
            if *c == b'=' {
                if j < 2 {
                    return Err(*pos);
                }
                pad += 1;
                continue;
            }
            if pad > 0 {
                return Err(*pos);
            }
            match value(*c) {
                Some(v) => n |= v << (18 - 6 * j),
                None => return Err(*pos),
            }
        }
        if quad.len() < 4 {
            // Missing padding: Go reports the end of the input.
            return Err(quad.last().map_or(0, |(p, _)| p + 1).min(text.len()));
        }
        if pad > 0 && (q + 1) * 4 < bytes.len() {
            return Err(bytes[(q + 1) * 4].0);
        }
        out.push((n >> 16) as u8);
        if pad < 2 {
            out.push((n >> 8) as u8);
        }
        if pad < 1 {
            out.push(n as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            assert_eq!(decode(&encode(s.as_bytes())).unwrap(), s.as_bytes());
        }
        assert_eq!(encode(b"admin"), "YWRtaW4=");
        assert_eq!(decode("YWRt!W4="), Err(4));
        assert_eq!(decode("YWRtaW4"), Err(7));
    }
}
