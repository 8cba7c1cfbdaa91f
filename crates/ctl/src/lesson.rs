//! Guided lessons in the console language: `lesson list|start|hint|show-me|check|next|prev|stop`, lessons as data files (`lessons/*.yaml`), checks on the cluster's state.
//!
//! ```text
//! lesson start keys          runs the lesson's setup, prints step 1: its text and goal
//! lesson hint                the next hint
//! lesson show-me             the reference solution (console input; the page types it)
//! lesson check               every check of the step against the cluster: ✓ or ✗ with what is missing
//! lesson next                step 2 (lesson start keys 3: straight to step 3)
//! lesson stop                leaves the lesson
//! ```
//!
//! The runner's state ([`Progress`]) lives in the [`Console`], so a session
//! that replays its inputs replays the lesson too (the page's reload and
//! share links); the page reads it through [`Console::lesson`].

pub mod check;
pub mod format;

use std::sync::OnceLock;

use check::Mark;
pub use format::{Lesson, Step};

use crate::console::{Console, Exec};
use crate::output::{Output, exit};

/// The lesson files, in the order `lesson list` shows them.
const FILES: [&str; 10] = [
    include_str!("../lessons/01-keys.yaml"),
    include_str!("../lessons/02-registry.yaml"),
    include_str!("../lessons/03-raft.yaml"),
    include_str!("../lessons/04-quorum.yaml"),
    include_str!("../lessons/05-backup.yaml"),
    include_str!("../lessons/06-pod-flow.yaml"),
    include_str!("../lessons/07-configmap.yaml"),
    include_str!("../lessons/08-export.yaml"),
    include_str!("../lessons/09-failures.yaml"),
    include_str!("../lessons/10-membership.yaml"),
];

/// Every lesson, parsed once (a file that does not parse is an error
/// `lesson list` shows; the tests keep every file parsing).
pub fn catalog() -> &'static [Result<Lesson, String>] {
    static CATALOG: OnceLock<Vec<Result<Lesson, String>>> = OnceLock::new();
    CATALOG.get_or_init(|| FILES.iter().map(|f| format::parse(f)).collect())
}

/// A lesson by name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    catalog().iter().filter_map(|l| l.as_ref().ok()).find(|l| l.name == name)
}

/// Where the learner is: the lesson under way, and the lessons finished.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    active: Option<Active>,
    finished: Vec<String>,
}

#[derive(Clone, Debug)]
struct Active {
    lesson: &'static Lesson,
    step: usize,
    passed: Vec<bool>,
    hints: usize,
    mark: Mark,
    last: Option<Vec<CheckLine>>,
}

/// One check's outcome, as the last `lesson check` found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckLine {
    /// What the check wants.
    pub what: String,
    /// What is missing (`None`: it holds).
    pub missing: Option<String>,
}

/// The lesson under way, for the page's panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonView {
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// The current step (0-based).
    pub step: usize,
    /// Every step's title and whether its checks passed.
    pub steps: Vec<(String, bool)>,
    /// The current step's text.
    pub text: String,
    /// Its goal.
    pub goal: String,
    /// The hints shown so far.
    pub hints: Vec<String>,
    /// Whether more hints are left.
    pub more_hints: bool,
    /// The reference solution (console entries).
    pub show: Vec<String>,
    /// The last check of this step.
    pub last_check: Option<Vec<CheckLine>>,
}

impl Progress {
    /// The lessons finished (every step's checks passed), by name.
    pub fn finished(&self) -> &[String] {
        &self.finished
    }
}

impl Console {
    /// The lesson under way, if any.
    pub fn lesson(&self) -> Option<LessonView> {
        let a = self.lesson.active.as_ref()?;
        let step = &a.lesson.steps[a.step];
        Some(LessonView {
            name: a.lesson.name.clone(),
            title: a.lesson.title.clone(),
            step: a.step,
            steps: a.lesson.steps.iter().zip(&a.passed).map(|(s, p)| (s.title.clone(), *p)).collect(),
            text: step.text.clone(),
            goal: step.goal.clone(),
            hints: step.hints.iter().take(a.hints).cloned().collect(),
            more_hints: a.hints < step.hints.len(),
            show: step.show.iter().map(|l| self.expand_show(l)).collect(),
            last_check: a.last.clone(),
        })
    }

    /// A "show me" entry with `{id:NAME}` replaced by member NAME's hex ID,
    /// `{leader}` by the leader's name and `{revision}` by the store's
    /// revision, as the cluster has them now (an added member's ID is not
    /// known in advance): what the learner would type.
    pub fn expand_show(&self, line: &str) -> String {
        let mut line = line.to_string();
        if line.contains("{revision}") {
            line = line.replace("{revision}", &check::current(self).revision.to_string());
        }
        if line.contains("{leader}") {
            let leader = self
                .backend
                .sim
                .leader()
                .and_then(|id| self.backend.endpoints().into_iter().find(|e| e.id == id));
            line = line.replace("{leader}", &leader.map_or("<the leader>".to_string(), |e| e.name));
        }
        let mut out = String::new();
        let mut rest = line.as_str();
        while let Some(at) = rest.find("{id:") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 4..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[at..]);
                return out;
            };
            let name = &after[..end];
            let id = self
                .backend
                .member_named(name)
                .map(|e| e.id)
                .or_else(|| self.backend.pending.get(&name.to_string()).map(|(id, _)| *id))
                .or_else(|| {
                    let st = self.backend.sim.status();
                    st.members
                        .iter()
                        .filter_map(|m| m.status.as_ref())
                        .flat_map(|s| s.members.clone())
                        .find(|p| p.name == name)
                        .map(|p| p.id)
                });
            match id {
                Some(id) => out.push_str(&format!("{id:x}")),
                None => out.push_str(&format!("<ID of {name}>")),
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The lesson runner's state.
    pub fn lesson_progress(&self) -> &Progress {
        &self.lesson
    }
}

const USAGE: &str = "\
Usage: lesson COMMAND
  list               the lessons
  start NAME [STEP]  begin a lesson (at STEP)
  show               the current step again
  hint               the next hint
  show-me            the commands that reach the goal
  check              check the cluster against the step's goal
  next | prev        the next / previous step
  stop               leave the lesson
";

fn fail(msg: impl std::fmt::Display) -> Exec {
    Output::fail(format!("lesson: {msg}\n"), exit::ERROR).into()
}

/// Runs `lesson ARGS`.
pub(crate) fn run(con: &mut Console, args: &[String]) -> Exec {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] | ["show"] => match &con.lesson.active {
            Some(a) => Output::ok(step_text(a)).into(),
            None => Output::ok(list(con)).into(),
        },
        ["list"] => Output::ok(list(con)).into(),
        ["start", name] => start(con, name, 1),
        ["start", name, step] => match step.parse::<usize>() {
            Ok(n) if n >= 1 => start(con, name, n),
            _ => fail(format!("{step:?} is not a step number")),
        },
        ["hint"] => hint(con),
        ["show-me" | "answer"] => match &con.lesson.active {
            Some(a) => Output::ok(
                a.lesson.steps[a.step]
                    .show
                    .iter()
                    .map(|l| format!("{}\n", con.expand_show(l)))
                    .collect::<String>(),
            )
            .into(),
            None => no_lesson(),
        },
        ["check"] => check(con),
        ["next"] => go(con, 1),
        ["prev"] => go(con, -1),
        ["stop"] => match con.lesson.active.take() {
            Some(a) => Output::ok(format!("Left the lesson {}.\n", a.lesson.name)).into(),
            None => no_lesson(),
        },
        ["help" | "--help" | "-h"] => Output::ok(USAGE).into(),
        _ => {
            Output::fail(format!("lesson: unknown command {:?}\n{USAGE}", args.join(" ")), exit::ERROR).into()
        }
    }
}

fn no_lesson() -> Exec {
    fail("no lesson under way (lesson list shows them, lesson start NAME begins one)")
}

fn list(con: &Console) -> String {
    let mut out = String::from("Lessons (lesson start NAME):\n");
    for (i, l) in catalog().iter().enumerate() {
        match l {
            Ok(l) => {
                let mark = match &con.lesson.active {
                    _ if con.lesson.finished.contains(&l.name) => "done".to_string(),
                    Some(a) if a.lesson.name == l.name => format!("step {}/{}", a.step + 1, l.steps.len()),
                    _ => format!("{} steps", l.steps.len()),
                };
                out.push_str(&format!("  {:>2}. {:<12} {:<10} {}\n", i + 1, l.name, mark, l.title));
            }
            Err(e) => out.push_str(&format!("  {:>2}. (broken lesson file: {e})\n", i + 1)),
        }
    }
    out
}

fn step_text(a: &Active) -> String {
    let step = &a.lesson.steps[a.step];
    let mut out = format!(
        "Lesson {}, step {} of {}: {}\n\n{}\n\nGoal: {}\n",
        a.lesson.title,
        a.step + 1,
        a.lesson.steps.len(),
        step.title,
        step.text,
        step.goal
    );
    out.push_str("(lesson hint, lesson check, lesson next, lesson stop)\n");
    out
}

fn start(con: &mut Console, name: &str, step: usize) -> Exec {
    let Some(lesson) = find(name) else {
        return fail(format!("no lesson named {name:?} (lesson list shows them)"));
    };
    if step > lesson.steps.len() {
        return fail(format!("{name} has {} steps", lesson.steps.len()));
    }
    let mut out = Output::default();
    for line in &lesson.setup {
        out.println(format!("$ {line}"));
        let mut exec = crate::shell::run_entry(con, line);
        if let Some(mut stream) = exec.stream.take() {
            exec.out.append(stream.stop(con, exit::ERROR));
        }
        out.append(exec.out);
        if con.backend.suspended() {
            return Exec::done(Output::default());
        }
        if exec.elapsed_ms > 0 {
            con.advance(exec.elapsed_ms);
            if con.backend.suspended() {
                return Exec::done(Output::default());
            }
        }
    }
    let active = Active {
        lesson,
        step: step - 1,
        passed: vec![false; lesson.steps.len()],
        hints: 0,
        mark: check::current(con),
        last: None,
    };
    if !lesson.setup.is_empty() {
        out.println("");
    }
    out.println(step_text(&active).trim_end());
    con.lesson.active = Some(active);
    out.into()
}

fn hint(con: &mut Console) -> Exec {
    let Some(a) = con.lesson.active.as_mut() else { return no_lesson() };
    let hints = &a.lesson.steps[a.step].hints;
    if hints.is_empty() {
        return Output::ok("No hints for this step: lesson show-me shows the commands.\n").into();
    }
    if a.hints < hints.len() {
        a.hints += 1;
    }
    let more = if a.hints < hints.len() { "" } else { " (the last one; lesson show-me shows the commands)" };
    Output::ok(format!("Hint {} of {}{more}: {}\n", a.hints, hints.len(), hints[a.hints - 1])).into()
}

fn check(con: &mut Console) -> Exec {
    let Some(a) = con.lesson.active.as_ref() else { return no_lesson() };
    let (lesson, step, mark) = (a.lesson, a.step, a.mark);
    let checks = &lesson.steps[step].checks;
    let mut lines = Vec::new();
    for c in checks {
        let missing = c.eval(con, mark).err();
        if con.backend.suspended() {
            return Exec::done(Output::default());
        }
        lines.push(CheckLine { what: c.describe(), missing });
    }
    let Some(a) = con.lesson.active.as_mut() else { return no_lesson() };
    let passing = lines.iter().filter(|l| l.missing.is_none()).count();
    let mut out = Output::default();
    for l in &lines {
        match &l.missing {
            None => out.println(format!("✓ {}", l.what)),
            Some(m) => out.println(format!("✗ {}: {m}", l.what)),
        }
    }
    let all = passing == lines.len();
    a.last = Some(lines);
    if all {
        a.passed[step] = true;
        if step + 1 < lesson.steps.len() {
            out.println(format!(
                "Step {} done. lesson next: step {}, {}.",
                step + 1,
                step + 2,
                lesson.steps[step + 1].title
            ));
        } else if a.passed.iter().all(|p| *p) {
            out.println(format!(
                "Step {} done: that was the last one. Lesson {} done.",
                step + 1,
                lesson.name
            ));
            if !con.lesson.finished.contains(&lesson.name) {
                con.lesson.finished.push(lesson.name.clone());
            }
        } else {
            let open: Vec<String> =
                a.passed.iter().enumerate().filter(|(_, p)| !**p).map(|(i, _)| (i + 1).to_string()).collect();
            out.println(format!(
                "Step {} done. The lesson is done once steps {} pass too.",
                step + 1,
                open.join(", ")
            ));
        }
        out.into()
    } else {
        out.println(format!("Not yet: {passing} of {} checks pass.", checks.len()));
        out.exit = exit::ERROR;
        out.into()
    }
}

fn go(con: &mut Console, by: isize) -> Exec {
    let mark = check::current(con);
    let Some(a) = con.lesson.active.as_mut() else { return no_lesson() };
    let to = a.step as isize + by;
    if to < 0 {
        return fail("this is the first step");
    }
    if to as usize >= a.lesson.steps.len() {
        let name = a.lesson.name.clone();
        let done = a.passed.iter().all(|p| *p);
        con.lesson.active = None;
        return Output::ok(if done {
            format!("Lesson {name} done. lesson list shows the others.\n")
        } else {
            format!(
                "That was the last step of {name}; some steps never passed their checks. Left the lesson.\n"
            )
        })
        .into();
    }
    a.step = to as usize;
    a.hints = 0;
    a.mark = mark;
    a.last = None;
    Output::ok(step_text(a)).into()
}
