//! The page's shared state, provided once by the app and taken by every
//! component with `expect_context::<AppState>()`: the engine (not
//! reactive), and the signals the page redraws from.

use leptos::prelude::*;

use crate::engine::Engine;
use crate::model::{self, StageModel};

/// The clock as the controls show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClockView {
    /// Shown virtual time (ms).
    pub now_ms: u64,
    /// Steps taken.
    pub steps: u64,
    /// Speed.
    pub speed: f64,
    /// Paused.
    pub paused: bool,
    /// The run's seed.
    pub seed: u64,
}

/// Which data panel is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataTab {
    /// The event timeline.
    Timeline,
    /// The key browser.
    Keys,
    /// Raft logs.
    Log,
    /// The selected member.
    Member,
    /// Kubernetes manifests.
    Manifest,
    /// The lesson under way (or the lessons to start).
    Lesson,
}

/// Signals and the engine; `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The simulator and the consoles' jobs.
    pub engine: StoredValue<Engine, LocalStorage>,
    /// What the stage draws.
    pub stage: RwSignal<StageModel>,
    /// Clock and speed.
    pub clock: RwSignal<ClockView>,
    /// Bumped when any console changed.
    pub console: RwSignal<u64>,
    /// Bumped a few times a second while time runs: slow panels redraw.
    pub data: RwSignal<u64>,
    /// The console tab in front.
    pub active_tab: RwSignal<usize>,
    /// The member the inspector shows.
    pub selected: RwSignal<Option<u64>>,
    /// The data panel in front.
    pub data_tab: RwSignal<DataTab>,
    /// The key the key browser shows.
    pub key: RwSignal<Option<String>>,
    /// A member's actions opened where the finger tapped (a phone).
    pub quick: RwSignal<Option<crate::components::cluster::quick::QuickMenu>>,
    /// The member a hovered timeline event is about.
    pub highlight: RwSignal<Option<u64>>,
    /// The record's mark when the run was last saved (`browser::save_if_recorded`).
    pub saved_mark: StoredValue<(usize, u64), LocalStorage>,
    /// The animation loop is scheduled.
    pub looping: StoredValue<bool, LocalStorage>,
    /// prefers-reduced-motion: the stage moves in discrete steps.
    pub reduced_motion: StoredValue<bool, LocalStorage>,
    /// The larger-text mode (for projectors): the stage's labels and the
    /// page's text this many times their size.
    pub text_scale: RwSignal<f64>,
}

impl AppState {
    /// State around `engine`.
    pub fn new(engine: Engine) -> AppState {
        let stage = model::stage(engine.sim(), engine.view_ms, engine.speed);
        let clock = clock_of(&engine);
        AppState {
            engine: StoredValue::new_local(engine),
            stage: RwSignal::new(stage),
            clock: RwSignal::new(clock),
            console: RwSignal::new(0),
            data: RwSignal::new(0),
            active_tab: RwSignal::new(0),
            selected: RwSignal::new(None),
            data_tab: RwSignal::new(DataTab::Timeline),
            key: RwSignal::new(None),
            quick: RwSignal::new(None),
            highlight: RwSignal::new(None),
            saved_mark: StoredValue::new_local((0, 0)),
            looping: StoredValue::new_local(false),
            reduced_motion: StoredValue::new_local(false),
            text_scale: RwSignal::new(1.0),
        }
    }

    /// Reads the engine.
    pub fn read<T>(&self, f: impl FnOnce(&Engine) -> T) -> Option<T> {
        self.engine.try_with_value(f)
    }

    /// Changes the engine, then redraws everything and wakes the loop.
    pub fn act<T>(&self, f: impl FnOnce(&mut Engine) -> T) -> Option<T> {
        let out = self.engine.try_update_value(f);
        // Every input is kept the moment it is recorded: a reload, a crash
        // or a second tab right after it loses nothing.
        crate::browser::save_if_recorded(*self);
        self.refresh(true);
        crate::browser::wake(*self);
        out
    }

    /// Recomputes the stage and clock signals; `all` also bumps the
    /// console and data panels.
    pub fn refresh(&self, all: bool) {
        let scale = self.text_scale.get_untracked();
        let Some((stage, clock, console)) = self.engine.try_with_value(|e| {
            (model::stage_with(e.sim(), e.view_ms, e.speed, scale), clock_of(e), e.console_version)
        }) else {
            return;
        };
        self.stage.set(stage);
        self.clock.set(clock);
        if self.console.get_untracked() != console {
            self.console.set(console);
        }
        if all {
            self.data.update(|d| *d += 1);
        }
    }

    /// Replaces the engine (reset, restore, share link) and returns the
    /// one it replaced (Reset keeps it for its undo).
    pub fn replace(&self, engine: Engine) -> Option<Engine> {
        let old = self.engine.try_update_value(|e| std::mem::replace(e, engine));
        self.saved_mark.set_value((usize::MAX, 0));
        crate::browser::save_if_recorded(*self);
        self.selected.set(None);
        self.quick.set(None);
        self.engine.update_value(|e| e.console_version += 1);
        self.refresh(true);
        crate::browser::wake(*self);
        old
    }
}

/// The clock of `e`.
pub fn clock_of(e: &Engine) -> ClockView {
    ClockView {
        now_ms: e.view_ms,
        steps: e.sim().steps(),
        speed: e.speed,
        paused: e.paused,
        seed: e.console().seed(),
    }
}
