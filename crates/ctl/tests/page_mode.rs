//! Page mode: the page's clock drives virtual time; commands that wait for the cluster are pending until the simulator answers, whatever the size of the page's steps.

use std::collections::BTreeMap;

use ctl::{Console, ConsoleOptions, Output, Run};

fn page_console() -> Console {
    let mut c = Console::new(7, ConsoleOptions::bare_etcd());
    c.set_page_mode(true);
    c
}

/// Polls `ms` of virtual time in `step_ms` steps until `tab`'s command is
/// done; returns its output (all of it, across polls) and when it finished.
fn poll_until_done(c: &mut Console, tab: usize, mut out: Output, step_ms: u64, max_ms: u64) -> (Output, u64) {
    let start = c.now_ms();
    while c.now_ms() < start + max_ms {
        for (t, run) in c.poll_tabs(step_ms) {
            if t != tab {
                continue;
            }
            out.append(run.output().clone());
            if let Run::Done(_) = run {
                return (out, c.now_ms());
            }
        }
    }
    panic!("tab {tab} still pending after {max_ms} ms: {out:?}");
}

fn run_done(c: &mut Console, tab: usize, line: &str) -> Output {
    match c.run_line_in(tab, line) {
        Run::Done(o) => o,
        Run::Streaming(o) => poll_until_done(c, tab, o, 10, 60_000).0,
    }
}

#[test]
fn a_put_without_quorum_is_pending_until_its_command_timeout_runs_out() {
    let mut c = page_console();
    assert_eq!(run_done(&mut c, 0, "cluster stop etcd-2").stdout, "etcd-2: stopped\n");
    assert_eq!(run_done(&mut c, 0, "cluster stop etcd-3").stdout, "etcd-3: stopped\n");
    let t0 = c.now_ms();
    let Run::Streaming(first) = c.run_line_in(0, "etcdctl put k v") else { panic!("the put waits") };
    assert_eq!(first, Output::default());
    assert_eq!(c.now_ms(), t0, "running a line does not move the clock");
    assert_eq!(c.pending_since_ms(0), Some(t0));
    assert_eq!(c.pending_since_ms(1), None);
    // Nearly 5 s later it still waits.
    for _ in 0..499 {
        for (_, run) in c.poll_tabs(10) {
            assert_eq!(run, Run::Streaming(Output::default()), "at {} ms", c.now_ms() - t0);
        }
    }
    assert_eq!(c.pending_since_ms(0), Some(t0));
    let (out, done_ms) = poll_until_done(&mut c, 0, Output::default(), 10, 1000);
    assert_eq!(out.exit, 1, "{out:?}");
    assert!(out.stderr.ends_with("Error: context deadline exceeded\n"), "{out:?}");
    assert_eq!(out.stdout, "");
    assert!((t0 + 5000..=t0 + 5010).contains(&done_ms), "done after {} ms", done_ms - t0);
    assert_eq!(c.pending_since_ms(0), None);
}

#[test]
fn ctrl_c_ends_a_pending_put_with_exit_130_and_nothing_else() {
    let mut c = page_console();
    run_done(&mut c, 0, "cluster stop etcd-2");
    run_done(&mut c, 0, "cluster stop etcd-3");
    let Run::Streaming(_) = c.run_line_in(0, "etcdctl put k v") else { panic!("the put waits") };
    c.poll_tabs(1000);
    assert!(c.pending_since_ms(0).is_some());
    assert_eq!(c.interrupt_in(0), Output { exit: 130, ..Output::default() });
    assert_eq!(c.pending_since_ms(0), None);
    assert_eq!(run_done(&mut c, 0, "echo $?").stdout, "130\n");
    // Nothing shows up for it later.
    assert!(c.poll_tabs(6000).iter().all(|(t, _)| *t != 0));
}

#[test]
fn a_watch_in_one_tab_sees_a_put_from_another() {
    let mut c = page_console();
    let Run::Streaming(_) = c.run_line_in(1, "etcdctl watch demo --prefix") else { panic!("watch streams") };
    let Run::Streaming(_) = c.run_line_in(0, "etcdctl put demo/a 1") else {
        panic!("the put waits for raft")
    };
    let mut watched = String::new();
    let mut put = Output::default();
    let mut put_done = false;
    for _ in 0..100 {
        for (t, run) in c.poll_tabs(5) {
            match t {
                0 => {
                    put.append(run.output().clone());
                    put_done |= matches!(run, Run::Done(_));
                }
                1 => watched.push_str(&run.output().stdout),
                _ => {}
            }
        }
    }
    assert!(put_done);
    assert_eq!(put.stdout, "OK\n");
    assert_eq!(watched, "PUT\ndemo/a\n1\n");
    assert_eq!(c.interrupt_in(1).exit, 130);
}

#[test]
fn stepping_the_sim_directly_then_poll_zero_resumes_what_resolved() {
    let mut c = page_console();
    let Run::Streaming(_) = c.run_line_in(0, "etcdctl put k v") else { panic!("the put waits for raft") };
    let t0 = c.now_ms();
    for _ in 0..10_000 {
        c.sim_mut().step();
        if let Some((_, Run::Done(out))) = c.poll_tabs(0).into_iter().find(|(t, _)| *t == 0) {
            assert_eq!(out.stdout, "OK\n");
            assert!(c.now_ms() > t0);
            return;
        }
    }
    panic!("the put never resolved");
}

#[test]
fn sleep_and_playground_waits_follow_the_page_clock() {
    let mut c = page_console();
    let t0 = c.now_ms();
    let Run::Streaming(_) = c.run_line_in(0, "sleep 2s") else { panic!("sleep waits") };
    c.poll_tabs(1999);
    assert_eq!(c.pending_since_ms(0), Some(t0));
    let runs = c.poll_tabs(1);
    assert_eq!(runs, vec![(0, Run::Done(Output::default()))]);
    let Run::Streaming(_) = c.run_line_in(0, "timeout 1 sleep 5") else { panic!("waits") };
    let (out, at) = poll_until_done(&mut c, 0, Output::default(), 100, 10_000);
    assert_eq!(out.exit, 124);
    assert_eq!(at, t0 + 3000);
}

/// A session: (virtual ms, tab, line); tab 1 watches throughout.
const SESSION: &[(u64, usize, &str)] = &[
    (0, 1, "etcdctl watch a --prefix -w json"),
    (0, 0, "etcdctl put a 1"),
    (0, 2, "etcdctl --endpoints=127.0.0.3:2379 get a"),
    (50, 0, "etcdctl get a -w json"),
    (120, 0, "etcdctl put a/x 2 --prev-kv"),
    (121, 2, "etcdctl --user=root:pw get a"),
    (300, 0, "sleep 1"),
    (1500, 0, "cluster stop etcd-2"),
    (2600, 0, "etcdctl put a/y 3"),
    (2700, 3, "etcdctl endpoint status --cluster -w json"),
    (3000, 0, "etcdctl lease grant 10"),
    (3500, 0, "timeout 1 etcdctl watch zzz"),
    (4600, 2, "etcdctl del a --prefix"),
    (5000, 0, "cluster stop etcd-3"),
    (7000, 0, "etcdctl put c 4"),
    (7100, 2, "etcdctl --command-timeout=2s get c"),
];

/// A tiny seeded generator for the page's step sizes.
struct Steps(u64);

impl Steps {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        1 + self.0 % 250
    }
}

/// Runs SESSION polling in steps from `step`; returns per line its output and exit.
fn play(mut step: impl FnMut() -> u64) -> Vec<(String, String, i32)> {
    let mut c = page_console();
    let origin = c.now_ms();
    let end = origin + 15_000;
    let mut outs: Vec<(Output, bool)> = vec![(Output::default(), false); SESSION.len()];
    let mut current: BTreeMap<usize, usize> = BTreeMap::new();
    let mut next = 0;
    let route =
        |runs: Vec<(usize, Run)>, current: &BTreeMap<usize, usize>, outs: &mut Vec<(Output, bool)>| {
            for (tab, run) in runs {
                let Some(&i) = current.get(&tab) else { continue };
                outs[i].0.append(run.output().clone());
                if let Run::Done(_) = run {
                    outs[i].1 = true;
                }
            }
        };
    while c.now_ms() < end {
        while next < SESSION.len() && c.now_ms() == origin + SESSION[next].0 {
            let (_, tab, line) = SESSION[next];
            if let Some(&prev) = current.get(&tab) {
                assert!(outs[prev].1, "{:?} still running when {line:?} starts", SESSION[prev].2);
            }
            current.insert(tab, next);
            let run = c.run_line_in(tab, line);
            route(vec![(tab, run)], &current, &mut outs);
            next += 1;
        }
        let until_next = SESSION.get(next).map_or(end, |s| origin + s.0) - c.now_ms();
        let runs = c.poll_tabs(step().min(until_next).min(end - c.now_ms()).max(1));
        route(runs, &current, &mut outs);
    }
    let interrupted = c.interrupt_in(1);
    outs[0].0.append(interrupted);
    outs.into_iter().map(|(o, _)| (o.stdout, o.stderr, o.exit)).collect()
}

#[test]
fn the_same_session_gives_the_same_outputs_whatever_the_page_steps() {
    let fine = play(|| 1);
    let mut steps = Steps(0x5EED_1234_ABCD_0001);
    let coarse = play(|| steps.next());
    for (i, (a, b)) in fine.iter().zip(&coarse).enumerate() {
        assert_eq!(a, b, "line {i}: {:?}", SESSION[i].2);
    }
    // What the session shows, in etcdctl's words.
    assert_eq!(fine[1], ("OK\n".to_string(), String::new(), 0));
    assert_eq!(fine[2].0, "a\n1\n");
    assert!(fine[0].0.contains("\"value\":\"MQ==\""), "the watch saw a=1: {:?}", fine[0]);
    assert_eq!(fine[0].2, 130);
    assert_eq!(fine[11].2, 124, "{:?}", fine[11]);
    assert_eq!(fine[14].2, 1);
    assert!(fine[14].1.ends_with("Error: context deadline exceeded\n"), "{:?}", fine[14]);
    assert_eq!(fine[15].2, 1);
}

#[test]
fn kubectl_runs_at_once_in_page_mode_and_its_controllers_follow_the_page_clock() {
    let mut c = page_console();
    let Run::Done(out) = c.run_line_in(0, "kubectl get nodes") else {
        panic!("kubectl does not wait on the page")
    };
    assert_eq!(out.exit, 0, "{out:?}");
    let t = c.now_ms();
    c.poll_tabs(1000);
    assert_eq!(c.now_ms(), t + 1000);
    assert_eq!(run_done(&mut c, 0, "etcdctl put after-kube ok").stdout, "OK\n");
}

#[test]
fn run_to_end_waits_for_a_pending_command_in_page_mode() {
    let mut c = page_console();
    assert_eq!(c.run_to_end("etcdctl put k v").stdout, "OK\n");
    let t = c.now_ms();
    assert_eq!(c.run_to_end("sleep 1").exit, 0);
    assert!(c.now_ms() >= t + 1000);
    assert_eq!(c.run_to_end("timeout 1 etcdctl watch k").exit, 124);
    assert_eq!(c.run_to_end("etcdctl get k --print-value-only").stdout, "v\n");
}

#[test]
fn cluster_reset_keeps_page_mode() {
    let mut c = page_console();
    assert_eq!(run_done(&mut c, 0, "cluster reset --nodes 1 --seed 9").exit, 0);
    let Run::Streaming(_) = c.run_line_in(0, "sleep 1") else { panic!("still page mode: sleep waits") };
    let (out, _) = poll_until_done(&mut c, 0, Output::default(), 50, 2000);
    assert_eq!(out.exit, 0);
    assert_eq!(run_done(&mut c, 0, "etcdctl put k v").stdout, "OK\n");
}

#[test]
fn lock_and_elect_hold_in_page_mode() {
    let mut c = page_console();
    let Run::Streaming(_) = c.run_line_in(1, "etcdctl lock mylock") else { panic!("lock holds") };
    let Run::Streaming(_) = c.run_line_in(2, "etcdctl elect e p1") else { panic!("elect campaigns") };
    let (mut lock, mut elect) = (String::new(), String::new());
    for _ in 0..50 {
        for (t, run) in c.poll_tabs(20) {
            match t {
                1 => lock.push_str(&run.output().stdout),
                2 => elect.push_str(&run.output().stdout),
                _ => {}
            }
        }
    }
    assert!(lock.starts_with("mylock/") && lock.ends_with("\n\n"), "{lock:?}");
    assert!(elect.starts_with("e/") && elect.ends_with("\np1\n"), "{elect:?}");
    assert_eq!(c.interrupt_in(1).exit, 130);
    assert_eq!(c.interrupt_in(2).exit, 130);
    // The sessions' keys go with their revoked leases.
    c.poll_tabs(200);
    assert_eq!(run_done(&mut c, 0, "etcdctl get mylock --prefix --keys-only").stdout, "");
}
