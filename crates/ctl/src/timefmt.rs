//! Timestamps of virtual time in the formats etcd's loggers print (zap ISO 8601, capnslog).
//!
//! Virtual time 0 is 2026-01-01T00:00:00Z; log timestamps are masked by the
//! golden tests, but they still advance as the simulated clock does.

/// Virtual time zero, in Unix seconds (2026-01-01T00:00:00Z).
pub const EPOCH_UNIX_S: u64 = 1_767_225_600;

fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn parts(now_ms: u64) -> (i64, u32, u32, u64, u64, u64, u64) {
    let total_ms = EPOCH_UNIX_S * 1000 + now_ms;
    let secs = total_ms / 1000;
    let (y, mo, d) = civil((secs / 86_400) as i64);
    let sod = secs % 86_400;
    (y, mo, d, sod / 3600, sod % 3600 / 60, sod % 60, total_ms % 1000)
}

/// `2026-01-01T00:00:01.250Z` (zap's ISO 8601 encoder).
pub fn iso_ms(now_ms: u64) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(now_ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// `2026-01-01T00:00:01.250000Z` (etcd's default zap logger, `logutil.DefaultZapLoggerConfig`).
pub fn zap_us(now_ms: u64) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(now_ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:06}Z", ms * 1000)
}

/// `2026-01-01 00:00:01.250000` (capnslog).
pub fn capnslog(now_ms: u64) -> String {
    let (y, mo, d, h, mi, s, ms) = parts(now_ms);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:06}", ms * 1000)
}

/// `2026-01-01T00:00:01Z`-style RFC 3339 with a zone offset, as etcdutl's console logger prints.
pub fn rfc3339(now_ms: u64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(now_ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The weekday and month names of `now_ms` (1970-01-01 was a Thursday).
fn names(now_ms: u64, month: u32) -> (&'static str, &'static str) {
    let days = (EPOCH_UNIX_S * 1000 + now_ms) / 86_400_000;
    (WEEKDAYS[(days % 7) as usize], MONTHS[(month as usize).saturating_sub(1) % 12])
}

/// `Thu Jan  1 00:00:05 2026` (C's ctime, as `watch` and `date` print it).
pub fn ctime(now_ms: u64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(now_ms);
    let (weekday, month) = names(now_ms, mo);
    format!("{weekday} {month} {d:>2} {h:02}:{mi:02}:{s:02} {y}")
}

/// `Thu 2026-01-01 00:00:05 UTC`, systemd's timestamp (`systemctl status`).
pub fn systemd(now_ms: u64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(now_ms);
    let (weekday, _) = names(now_ms, mo);
    format!("{weekday} {y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// `Jan 01 00:00:05`, the journal's short timestamp (`journalctl`).
pub fn journal(now_ms: u64) -> String {
    let (_, mo, d, h, mi, s, _) = parts(now_ms);
    let (_, month) = names(now_ms, mo);
    format!("{month} {d:02} {h:02}:{mi:02}:{s:02}")
}

/// Unix seconds with a fraction (zap's epoch encoder).
pub fn epoch(now_ms: u64) -> String {
    let total_ms = EPOCH_UNIX_S * 1000 + now_ms;
    format!("{}.{:03}", total_ms / 1000, total_ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(iso_ms(0), "2026-01-01T00:00:00.000Z");
        assert_eq!(iso_ms(86_400_000 * 59 + 1_250), "2026-03-01T00:00:01.250Z");
        assert_eq!(capnslog(1), "2026-01-01 00:00:00.001000");
        // 2026-01-01 is a Thursday.
        assert_eq!(ctime(5_000), "Thu Jan  1 00:00:05 2026");
        assert_eq!(ctime(86_400_000 * 59), "Sun Mar  1 00:00:00 2026");
        assert_eq!(systemd(5_000), "Thu 2026-01-01 00:00:05 UTC");
        assert_eq!(journal(5_000), "Jan 01 00:00:05");
    }
}
