//! The lesson panel: the lessons to start, then the step under way (text,
//! goal, hints, "show me", progress marks, the last check). Every button
//! types a console entry into the console tab in front (`lesson check`,
//! `lesson hint`, a "show me" line), so a lesson is recorded, saved and
//! shared like any other input; the panel only draws what the console's
//! lesson runner holds (`Console::lesson`).
//!
//! A link `#lesson=NAME/STEP` opens the page at that step ([`follow_lessons`]).

use leptos::prelude::*;

use crate::live::{handler, live};
use crate::state::{AppState, DataTab};

/// Types `line` into the console tab in front, as if typed and entered.
fn type_line(state: AppState, line: &str) {
    let tab = state.active_tab.get_untracked();
    state.act(|e| e.run_line(tab, line));
}

/// The `#lesson=NAME/STEP` of a link, as the console entry that opens it.
pub fn lesson_link(fragment: &str) -> Option<String> {
    let rest = fragment.strip_prefix("lesson=")?;
    let (name, step) = match rest.split_once('/') {
        Some((n, s)) => (n, s.parse::<usize>().ok().filter(|s| *s >= 1)?),
        None => (rest, 1),
    };
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| if step == 1 { format!("lesson start {name}") } else { format!("lesson start {name} {step}") })
}

/// Keeps the data panel on the lesson: a `#lesson=` link starts its lesson
/// once the page is up, and a lesson started (typed, replayed or from a
/// link) brings the Lessons tab to the front. Called by the data panel.
pub fn follow_lessons(state: AppState) {
    if let Some(line) = lesson_link(&crate::browser::fragment()) {
        crate::browser::clear_fragment();
        type_line(state, &line);
        state.data_tab.set(DataTab::Lesson);
    }
    let name = Memo::new(move |_| {
        state.console.track();
        state.read(|e| e.console().lesson().map(|l| l.name)).flatten()
    });
    Effect::new(move |prev: Option<Option<String>>| {
        let now = name.get();
        // A lesson under way on load (a reload replays it) or one that
        // begins: the panel comes to the front.
        if now.is_some() && prev.as_ref().is_none_or(|p| *p != now) {
            state.data_tab.set(DataTab::Lesson);
        }
        now
    });
}

/// The Lessons tab.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lesson = Memo::new(move |_| {
        state.console.track();
        state.read(|e| e.console().lesson()).flatten()
    });
    let show_open = RwSignal::new(false);
    // "Show me" closes again on another step.
    Effect::new(move |prev: Option<Option<(String, usize)>>| {
        let now = lesson.with(|l| l.as_ref().map(|l| (l.name.clone(), l.step)));
        if prev.is_some_and(|p| p != now) {
            show_open.set(false);
        }
        now
    });
    view! {
        <div class="lesson" data-testid="lesson-panel">
            {live(move || match lesson.get() {
                None => catalog(state).into_any(),
                Some(l) => under_way(state, l, show_open).into_any(),
            })}
        </div>
    }
}

/// The lessons, each with its start button.
fn catalog(state: AppState) -> impl IntoView {
    let finished = state.read(|e| e.console().lesson_progress().finished().to_vec()).unwrap_or_default();
    let rows = ctl::lesson::catalog()
        .iter()
        .filter_map(|l| l.as_ref().ok())
        .enumerate()
        .map(|(i, l)| {
            let name = l.name.clone();
            let done = finished.contains(&l.name);
            let line = format!("lesson start {name}");
            view! {
                <li class="lesson-item" data-testid="lesson-item" data-name=name.clone()>
                    <span class="lesson-num">{if done { "✓".to_string() } else { format!("{}", i + 1) }}</span>
                    <span class="lesson-item-text">
                        <b>{l.title.clone()}</b>
                        <span class="muted">{format!(" — {}", l.summary)}</span>
                    </span>
                    <button
                        class="btn"
                        data-testid="lesson-start"
                        title=line.clone()
                        on:click=handler(move |_| type_line(state, &line))
                    >
                        "Start"
                    </button>
                </li>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <p class="muted lesson-intro">
            "Lessons teach with the real cluster and check what it holds, not what you typed. "
            "Each starts on a fresh kubeadm node; the buttons type "
            <code>"lesson ..."</code>
            " commands into the console (the same work in etcdplay)."
        </p>
        <ol class="lesson-list" data-testid="lesson-list">{rows}</ol>
    }
}

/// The step under way.
fn under_way(state: AppState, l: ctl::lesson::LessonView, show_open: RwSignal<bool>) -> impl IntoView {
    let steps = l.steps.len();
    let marks = l
        .steps
        .iter()
        .enumerate()
        .map(|(i, (title, passed))| {
            let st = if *passed {
                "done"
            } else if i == l.step {
                "current"
            } else {
                "todo"
            };
            let label = if *passed { "✓".to_string() } else { (i + 1).to_string() };
            let line = format!("lesson start {} {}", l.name, i + 1);
            view! {
                <li
                    class=format!("lesson-mark {st}")
                    data-testid="lesson-mark"
                    data-state=st
                    title=format!("step {}: {title}{}", i + 1, if *passed { " (passed)" } else { "" })
                >
                    <button class="lesson-mark-btn" on:click=handler(move |_| type_line(state, &line))>{label}</button>
                </li>
            }
            .into_any()
        })
        .collect_view();
    let hints = l.hints.iter().map(|h| view! { <li>{h.clone()}</li> }.into_any()).collect_view();
    let show_lines = l.show.clone();
    let show = move || {
        show_lines
            .iter()
            .map(|line| {
                let text = line.clone();
                view! {
                    <li class="lesson-show-line">
                        <code>{line.clone()}</code>
                        <button
                            class="btn"
                            data-testid="lesson-type"
                            title="type it into the console"
                            on:click=handler(move |_| type_line(state, &text))
                        >
                            "Type it"
                        </button>
                    </li>
                }
                .into_any()
            })
            .collect_view()
    };
    let results = l.last_check.clone().map(|lines| {
        let ok = lines.iter().all(|c| c.missing.is_none());
        let items = lines
            .into_iter()
            .map(|c| {
                let (mark, text, st) = match c.missing {
                    None => ("✓", c.what, "ok"),
                    Some(m) => ("✗", format!("{}: {m}", c.what), "missing"),
                };
                view! { <li class=format!("lesson-result {st}") data-state=st>{format!("{mark} {text}")}</li> }
                    .into_any()
            })
            .collect_view();
        view! {
            <ul class="lesson-results" data-testid="lesson-results" data-ok=ok.to_string()>{items}</ul>
        }
    });
    let more_hints = l.more_hints;
    let first = l.step == 0;
    let last = l.step + 1 == steps;
    let link = format!("#lesson={}/{}", l.name, l.step + 1);
    view! {
        <div class="lesson-head">
            <h3 data-testid="lesson-title">{l.title.clone()}</h3>
            <ol class="lesson-marks" data-testid="lesson-marks" aria-label="steps">{marks}</ol>
        </div>
        <h4 data-testid="lesson-step-title">{format!("Step {} of {steps}: {}", l.step + 1, l.steps[l.step].0)}</h4>
        <pre class="lesson-text" data-testid="lesson-text">{l.text.clone()}</pre>
        <p class="lesson-goal" data-testid="lesson-goal"><b>"Goal: "</b>{l.goal.clone()}</p>
        <ul class="lesson-hints" data-testid="lesson-hints">{hints}</ul>
        {results}
        <div class="lesson-bar">
            <button class="btn primary" data-testid="lesson-check" title="lesson check" on:click=handler(move |_| type_line(state, "lesson check"))>
                "Check"
            </button>
            <button
                class="btn"
                data-testid="lesson-hint"
                title="lesson hint"
                disabled=!more_hints
                on:click=handler(move |_| type_line(state, "lesson hint"))
            >
                "Hint"
            </button>
            <button
                class="btn"
                data-testid="lesson-show-me"
                aria-expanded=live(move || show_open.get().to_string())
                on:click=handler(move |_| show_open.update(|o| *o = !*o))
            >
                "Show me"
            </button>
            <button class="btn" data-testid="lesson-prev" title="lesson prev" disabled=first on:click=handler(move |_| type_line(state, "lesson prev"))>
                "Back"
            </button>
            <button class="btn" data-testid="lesson-next" title="lesson next" on:click=handler(move |_| type_line(state, "lesson next"))>
                {if last { "Finish" } else { "Next" }}
            </button>
            <button class="btn" data-testid="lesson-stop" title="lesson stop" on:click=handler(move |_| type_line(state, "lesson stop"))>
                "Leave"
            </button>
            <a class="lesson-link muted" data-testid="lesson-link" href=link>"link to this step"</a>
        </div>
        {crate::live::show(
            live(move || show_open.get()),
            live(move || view! { <ol class="lesson-show" data-testid="lesson-show">{show()}</ol> }.into_any()),
        )}
    }
}

#[cfg(test)]
mod tests {
    use super::lesson_link;

    #[test]
    fn a_lesson_link_opens_its_step() {
        assert_eq!(lesson_link("lesson=quorum/3").as_deref(), Some("lesson start quorum 3"));
        assert_eq!(lesson_link("lesson=keys").as_deref(), Some("lesson start keys"));
        assert_eq!(lesson_link("lesson=keys/1").as_deref(), Some("lesson start keys"));
        assert_eq!(lesson_link("lesson=keys/0"), None);
        assert_eq!(lesson_link("lesson=a;rm -rf/2"), None);
        assert_eq!(lesson_link("run=abc"), None);
    }
}
