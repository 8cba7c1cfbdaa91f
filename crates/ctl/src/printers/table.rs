//! Tables drawn as etcdctl draws them (olekukonko/tablewriter, right-aligned cells, centred headers).
//!
//! ```text
//! +----------------+-----------+
//! |    ENDPOINT    |   HASH    |
//! +----------------+-----------+
//! | 127.0.0.1:2379 | 758121840 |
//! +----------------+-----------+
//! ```

/// Renders a table with etcdctl's settings.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let width = |s: &str| s.chars().count();
    let mut w: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(cols) {
            w[i] = w[i].max(width(c));
        }
    }
    let sep: String = {
        let mut s = String::from("+");
        for &x in &w {
            s.push_str(&"-".repeat(x + 2));
            s.push('+');
        }
        s.push('\n');
        s
    };
    let mut out = sep.clone();
    out.push('|');
    for (i, h) in header.iter().enumerate() {
        let gap = w[i] - width(h);
        let left = gap / 2;
        out.push_str(&format!(" {}{}{} |", " ".repeat(left), h, " ".repeat(gap - left)));
    }
    out.push('\n');
    out.push_str(&sep);
    for r in rows {
        out.push('|');
        for (i, &cw) in w.iter().enumerate() {
            let c = r.get(i).map(String::as_str).unwrap_or("");
            out.push_str(&format!(" {}{} |", " ".repeat(cw - width(c)), c));
        }
        out.push('\n');
    }
    out.push_str(&sep);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashkv_table() {
        let t = render(&["ENDPOINT", "HASH"], &[vec!["127.0.0.1:2379".into(), "758121840".into()]]);
        let want = "+----------------+-----------+\n|    ENDPOINT    |   HASH    |\n+----------------+-----------+\n| 127.0.0.1:2379 | 758121840 |\n+----------------+-----------+\n";
        assert_eq!(t, want);
    }
}
