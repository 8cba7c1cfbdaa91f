//! Debug rendering in etcd-raft's words, so traces read like etcd's tests:
//! `1->2 MsgApp Term:2 Log:2/5 Commit:5 Entries:[2/6 EntryNormal "x"]`.

use std::fmt;

use crate::confchange_types::{changes_to_string, decode_conf_change};
use crate::message::{Entry, EntryType, HardState, Message, ReadState, Snapshot, SoftState};

/// Quotes bytes like Go's `%q` for printable text.
pub fn quote(data: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(data))
}

impl fmt::Display for Entry {
    /// `term/index Type payload`, e.g. `1/12 EntryNormal "prop_1"` or
    /// `1/3 EntryConfChangeV2 v2 v3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{} {}", self.term, self.index, self.entry_type)?;
        match self.entry_type {
            EntryType::EntryNormal => write!(f, " {}", quote(&self.data)),
            _ => match decode_conf_change(self) {
                Ok(cc) if cc.changes.is_empty() => Ok(()),
                Ok(cc) => write!(f, " {}", changes_to_string(&cc.changes)),
                Err(_) => write!(f, " {}", quote(&self.data)),
            },
        }
    }
}

/// Renders a list of entries, one per line.
pub fn describe_entries(ents: &[Entry]) -> String {
    ents.iter().map(|e| format!("{e}\n")).collect()
}

impl fmt::Display for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = &self.metadata;
        write!(f, "Index:{} Term:{} ConfState:{}", m.index, m.term, m.conf_state)
    }
}

impl fmt::Display for HardState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Term:{}", self.term)?;
        if self.vote != 0 {
            write!(f, " Vote:{:x}", self.vote)?;
        }
        write!(f, " Commit:{}", self.commit)
    }
}

impl fmt::Display for SoftState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Lead:{:x} State:{}", self.lead, self.raft_state)
    }
}

impl fmt::Display for ReadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{Index:{} RequestCtx:{}}}", self.index, quote(&self.request_ctx))
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:x}->{:x} {} Term:{} Log:{}/{}",
            self.from, self.to, self.msg_type, self.term, self.log_term, self.index
        )?;
        if self.reject {
            write!(f, " Rejected (Hint: {})", self.reject_hint)?;
        }
        if self.commit != 0 {
            write!(f, " Commit:{}", self.commit)?;
        }
        if !self.entries.is_empty() {
            let es: Vec<String> = self.entries.iter().map(|e| e.to_string()).collect();
            write!(f, " Entries:[{}]", es.join(", "))?;
        }
        if let Some(s) = &self.snapshot
            && !s.is_empty()
        {
            write!(f, " Snapshot: {s}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::MessageType;

    #[test]
    fn renders_like_etcd() {
        let m = Message {
            msg_type: MessageType::MsgApp,
            from: 1,
            to: 2,
            term: 2,
            log_term: 2,
            index: 5,
            commit: 5,
            entries: vec![Entry { term: 2, index: 6, data: b"x".to_vec().into(), ..Default::default() }],
            ..Default::default()
        };
        assert_eq!(m.to_string(), r#"1->2 MsgApp Term:2 Log:2/5 Commit:5 Entries:[2/6 EntryNormal "x"]"#);
        let r = Message {
            msg_type: MessageType::MsgAppResp,
            from: 2,
            to: 1,
            term: 2,
            index: 7,
            reject: true,
            reject_hint: 5,
            log_term: 1,
            ..Default::default()
        };
        assert_eq!(r.to_string(), "2->1 MsgAppResp Term:2 Log:1/7 Rejected (Hint: 5)");
        assert_eq!(HardState { term: 2, vote: 0, commit: 3 }.to_string(), "Term:2 Commit:3");
    }
}
