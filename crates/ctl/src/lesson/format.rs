//! A lesson as its data file says it: a YAML document (kube's own reader) with a title, steps, and per step the text, goal, hints, "show me" console input and checks.
//!
//! ```text
//! name: keys                           the name `lesson start` takes
//! title: etcd's keys and values
//! summary: put, get, prefixes, revisions
//! setup:                               console input `lesson start` runs first
//! - export ETCDCTL_CACERT=...
//! steps:
//! - title: Your first key
//!   text: |                            what the step teaches (plain text, `code` in backquotes)
//!     etcd stores bytes under keys ...
//!   goal: The key greeting holds hello.
//!   hints: [Try etcdctl put., ...]     shown one at a time by `lesson hint`
//!   show:                              the reference solution: console input, one entry each
//!   - etcdctl put greeting hello
//!   checks:                            what must hold of the cluster (see check.rs)
//!   - key greeting hello
//! ```

use serde_json::Value;

use super::check::Check;

/// One lesson.
#[derive(Clone, Debug)]
pub struct Lesson {
    /// What `lesson start` takes.
    pub name: String,
    /// Its title.
    pub title: String,
    /// One line on what it covers.
    pub summary: String,
    /// Console input run by `lesson start` before the first step.
    pub setup: Vec<String>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a lesson.
#[derive(Clone, Debug)]
pub struct Step {
    /// Its title.
    pub title: String,
    /// What it teaches.
    pub text: String,
    /// The state the cluster must reach, in words.
    pub goal: String,
    /// Hints, one at a time.
    pub hints: Vec<String>,
    /// The reference solution: console entries, in order.
    pub show: Vec<String>,
    /// What must hold once the goal is reached.
    pub checks: Vec<Check>,
}

/// Reads a lesson file.
pub fn parse(text: &str) -> Result<Lesson, String> {
    let doc = kube::yaml::parse_document(text).map_err(|e| e.to_string())?.ok_or("an empty lesson file")?;
    let name = string(&doc, "name")?;
    let steps = doc.get("steps").and_then(Value::as_array).ok_or(format!("{name}: no steps"))?;
    let steps = steps
        .iter()
        .enumerate()
        .map(|(i, s)| step(s).map_err(|e| format!("{name}: step {}: {e}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    if steps.is_empty() {
        return Err(format!("{name}: no steps"));
    }
    Ok(Lesson {
        title: string(&doc, "title")?,
        summary: string(&doc, "summary")?,
        setup: strings(&doc, "setup")?,
        name,
        steps,
    })
}

fn step(v: &Value) -> Result<Step, String> {
    let checks = strings(v, "checks")?
        .iter()
        .map(|c| Check::parse(c).map_err(|e| format!("check {c:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if checks.is_empty() {
        return Err("no checks".into());
    }
    let show = strings(v, "show")?;
    if show.is_empty() {
        return Err("no show".into());
    }
    Ok(Step {
        title: string(v, "title")?,
        text: string(v, "text")?.trim_end().to_string(),
        goal: string(v, "goal")?,
        hints: strings(v, "hints")?,
        show,
        checks,
    })
}

fn string(v: &Value, key: &str) -> Result<String, String> {
    match v.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(format!("no {key}")),
    }
}

/// A list of strings (absent: empty). A literal block's trailing newline
/// is dropped: a heredoc entry ends at its terminator.
fn strings(v: &Value, key: &str) -> Result<Vec<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.trim_end_matches('\n').to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(format!("{key}: every item must be text")),
            })
            .collect(),
        _ => Err(format!("{key} must be a list")),
    }
}
