//! System fields the apiserver sets: uid (from the seed), creationTimestamp
//! (from the virtual clock), and kubectl's way of printing ages.
//!
//! Virtual time 0 is 2025-01-01T00:00:00Z, so a run is the same on every
//! machine and every day.

use serde_json::Value;

/// Seconds since the Unix epoch at virtual time 0 (2025-01-01T00:00:00Z).
pub const EPOCH_SECONDS: i64 = 1_735_689_600;

/// splitmix64: the object layer's seeded generator (uids, pod names, IVs).
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed ^ 0x6b75_6265_6b75_6265 }
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A version-4 UUID (`8c5f3a2e-...`).
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// `n` characters of the alphabet Kubernetes uses for generated names
    /// (`nginx-7c5ddbdf54-x2x8k`).
    pub fn name_suffix(&mut self, n: usize) -> String {
        const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n).map(|_| ALPHANUMS[(self.next_u64() % ALPHANUMS.len() as u64) as usize] as char).collect()
    }
}

/// RFC 3339 in UTC, seconds precision (`2025-01-01T00:00:05Z`).
pub fn timestamp(now_ms: u64) -> String {
    let secs = EPOCH_SECONDS + (now_ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// RFC 3339 in UTC with microseconds, as a Lease's `renewTime` (MicroTime):
/// `2025-01-01T00:00:05.120000Z`.
pub fn micro_timestamp(now_ms: u64) -> String {
    let secs = timestamp(now_ms);
    format!("{}.{:06}Z", secs.trim_end_matches('Z'), (now_ms % 1000) * 1000)
}

/// Virtual ms of an RFC 3339 timestamp (None if unreadable or before time 0).
pub fn parse_timestamp(ts: &str) -> Option<u64> {
    let b = ts.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| ts.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    let secs = days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    u64::try_from(secs - EPOCH_SECONDS).ok().map(|s| s * 1000)
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// kubectl's `HumanDuration` (`5s`, `2m3s`, `10m`, `3h`, `2d`).
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        if s.is_multiple_of(60) { format!("{m}m") } else { format!("{m}m{}s", s % 60) }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m.is_multiple_of(60) { format!("{h}h") } else { format!("{h}h{}m", m % 60) }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 192 {
        if h.is_multiple_of(24) { format!("{d}d") } else { format!("{d}d{}h", h % 24) }
    } else if d < 730 {
        format!("{d}d")
    } else {
        format!("{}y", d / 365)
    }
}

/// The age of `obj` at `now_ms` as kubectl prints it (`<unknown>` without a timestamp).
pub fn age(obj: &Value, now_ms: u64) -> String {
    obj.pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(parse_timestamp)
        .map_or_else(|| "<unknown>".to_string(), |t| human_duration(now_ms.saturating_sub(t)))
}

/// `obj.metadata.name`.
pub fn name(obj: &Value) -> &str {
    obj.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("")
}

/// `obj.metadata.namespace`.
pub fn namespace(obj: &Value) -> &str {
    obj.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_ages() {
        assert_eq!(timestamp(0), "2025-01-01T00:00:00Z");
        assert_eq!(timestamp(86_400_000 * 59 + 3_723_000), "2025-03-01T01:02:03Z");
        assert_eq!(parse_timestamp("2025-03-01T01:02:03Z"), Some(86_400_000 * 59 + 3_723_000));
        assert_eq!(micro_timestamp(5_120), "2025-01-01T00:00:05.120000Z");
        assert_eq!(parse_timestamp(&micro_timestamp(5_120)), Some(5_000));
        assert_eq!(human_duration(5_000), "5s");
        assert_eq!(human_duration(125_000), "2m5s");
        assert_eq!(human_duration(1_800_000), "30m");
        assert_eq!(human_duration(4 * 3_600_000 + 60_000), "4h1m");
        let mut r = Rng::new(1);
        let u = r.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
