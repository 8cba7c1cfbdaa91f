//! etcdctl's password prompts: without a terminal (the REPL, the goldens) as speakeasy behaves on a pipe or /dev/null; on the page a command waiting for the typed answer.

use ctl::console::Prompt;
use ctl::{Console, ConsoleOptions, Output, Run};

const STTY: &str = "stty: 'standard input': Inappropriate ioctl for device\n";

fn repl() -> Console {
    Console::new(7, ConsoleOptions::bare_etcd())
}

/// A console with auth on: root's password is `rootpw`.
fn with_auth(c: &mut Console) {
    for line in ["etcdctl user add root:rootpw", "etcdctl auth enable"] {
        let out = c.run_to_end(line);
        assert_eq!(out.exit, 0, "{line}: {out:?}");
    }
}

#[test]
fn without_a_terminal_the_prompt_reads_standard_input() {
    let mut c = repl();
    // /dev/null: an empty password, so clientv3 does not authenticate at all.
    let out = c.run_to_end("etcdctl --user root put k v");
    assert_eq!(out.stdout, "Password: \nOK\n", "{out:?}");
    assert_eq!(out.stderr, format!("{STTY}{STTY}"));
    // A piped password is used (auth is off: clientv3's warning, then the put).
    let out = c.run_to_end("echo pw | etcdctl --user root put k v");
    assert_eq!(out.stdout, "Password: \nOK\n", "{out:?}");
    assert!(out.stderr.starts_with(&format!("{STTY}{STTY}{{\"level\":\"warn\"")), "{out:?}");
    assert!(out.stderr.contains("etcdserver: authentication is not enabled"), "{out:?}");
    // A non-empty --password takes --user whole; an empty one prompts.
    assert_eq!(c.run_to_end("etcdctl --user root --password= get k").stdout, "Password: \nk\nv\n");
    with_auth(&mut c);
    let out = c.run_to_end("echo rootpw | etcdctl --user root get k");
    assert_eq!((out.stdout.as_str(), out.exit), ("Password: \nk\nv\n", 0), "{out:?}");
    let out = c.run_to_end("echo nope | etcdctl --user root get k");
    assert!(
        out.stderr.ends_with("Error: etcdserver: authentication failed, invalid user ID or password\n"),
        "{out:?}"
    );
    let out = c.run_to_end("etcdctl --user root:rootpw --password rootpw get k");
    assert!(
        out.stderr.ends_with("Error: etcdserver: authentication failed, invalid user ID or password\n"),
        "{out:?}"
    );
    // No password at all: no token, so the read is refused.
    let out = c.run_to_end("etcdctl --user root get k");
    assert!(out.stderr.ends_with("Error: etcdserver: user name is empty\n"), "{out:?}");
}

#[test]
fn user_add_asks_twice_then_the_client_asks() {
    let mut c = repl();
    let out = c.run_to_end("etcdctl user add bob");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        ("Password of bob: \n", &*format!("{STTY}{STTY}Error: empty password\n"), 128)
    );
    let out = c.run_to_end("printf 'pw\\npx\\n' | etcdctl user add bob");
    assert_eq!(out.stdout, "Password of bob: \nType password of bob again for confirmation: \n");
    assert!(out.stderr.ends_with("Error: given passwords are different\n"), "{out:?}");
    let out = c.run_to_end("printf 'pw\\npw\\nx\\n' | etcdctl --user root user add bob");
    assert_eq!(
        out.stdout,
        "Password of bob: \nType password of bob again for confirmation: \nPassword: \nUser bob created\n",
        "{out:?}"
    );
    assert_eq!(out.stderr.matches(STTY).count(), 6, "{out:?}");
    // --interactive=false reads one word, nothing printed.
    let out = c.run_to_end("echo 'secret more' | etcdctl user add erin --interactive=false");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("User erin created\n", ""));
    let out = c.run_to_end("printf 'n1\\nn1\\n' | etcdctl user passwd bob");
    assert_eq!(
        out.stdout,
        "Password of bob: \nType password of bob again for confirmation: \nPassword updated\n"
    );
}

fn page() -> Console {
    let mut c = repl();
    c.set_page_mode(true);
    c
}

/// Polls the page's clock until `tab`'s command is done.
fn until_done(c: &mut Console, tab: usize, mut out: Output) -> Output {
    for _ in 0..10_000 {
        for (t, run) in c.poll_tabs(10) {
            if t == tab {
                out.append(run.output().clone());
                if let Run::Done(_) = run {
                    return out;
                }
            }
        }
    }
    panic!("still pending: {out:?}");
}

fn run(c: &mut Console, line: &str) -> Output {
    match c.run_line_in(0, line) {
        Run::Done(o) => o,
        Run::Streaming(o) => until_done(c, 0, o),
    }
}

fn masked(text: &str) -> Option<Prompt> {
    Some(Prompt { text: text.to_string(), masked: true })
}

#[test]
fn on_the_page_the_command_waits_for_the_typed_password() {
    let mut c = page();
    with_auth_page(&mut c);
    assert!(matches!(c.run_line_in(0, "etcdctl --user root put k v"), Run::Streaming(_)));
    assert_eq!(c.prompt_in(0), masked("Password: "));
    assert_eq!(c.prompt_in(1), None);
    // Time passes: it still waits for the answer.
    for _ in 0..100 {
        c.poll_tabs(10);
    }
    assert_eq!(c.prompt_in(0), masked("Password: "));
    let first = match c.answer_in(0, "rootpw") {
        Run::Done(o) => o,
        Run::Streaming(o) => until_done(&mut c, 0, o),
    };
    // The terminal shows the prompt and the newline speakeasy ends it with; no stty complaint.
    assert_eq!((first.stdout.as_str(), first.stderr.as_str(), first.exit), ("Password: \nOK\n", "", 0));
    assert_eq!(c.prompt_in(0), None);
    // user add asks twice.
    assert!(matches!(c.run_line_in(0, "etcdctl --user root:rootpw user add bob"), Run::Streaming(_)));
    assert_eq!(c.prompt_in(0), masked("Password of bob: "));
    assert!(matches!(c.answer_in(0, "b1"), Run::Streaming(_)));
    assert_eq!(c.prompt_in(0), masked("Type password of bob again for confirmation: "));
    let out = match c.answer_in(0, "b1") {
        Run::Done(o) => o,
        Run::Streaming(o) => until_done(&mut c, 0, o),
    };
    assert_eq!(
        out.stdout,
        "Password of bob: \nType password of bob again for confirmation: \nUser bob created\n"
    );
    // Ctrl+C at the prompt: speakeasy exits -1.
    assert!(matches!(c.run_line_in(0, "etcdctl --user root get k"), Run::Streaming(_)));
    let out = c.interrupt_in(0);
    assert_eq!(out.exit, 255);
    assert_eq!(c.prompt_in(0), None);
    // A piped password is no terminal: no wait.
    let out = run(&mut c, "echo rootpw | etcdctl --user root get k --print-value-only");
    assert_eq!(out.stdout, "Password: \nv\n", "{out:?}");
}

fn with_auth_page(c: &mut Console) {
    for line in ["etcdctl user add root:rootpw", "etcdctl auth enable"] {
        let out = run(c, line);
        assert_eq!(out.exit, 0, "{line}: {out:?}");
    }
}

#[test]
fn lines_typed_while_a_command_runs_are_kept_for_after_it() {
    let mut c = page();
    with_auth_page(&mut c);
    run(&mut c, "etcdctl --user root:rootpw put k v");
    assert!(matches!(c.run_line_in(0, "sleep 2"), Run::Streaming(_)));
    c.type_ahead_in(0, "etcdctl put a 1");
    c.type_ahead_in(0, "etcdctl get a");
    assert_eq!(c.typed_ahead(0), ["etcdctl put a 1", "etcdctl get a"]);
    assert!(c.typed_ahead(1).is_empty());
    // They wait while the command runs, and come back one at a time after it.
    let out = until_done(&mut c, 0, Output::default());
    assert_eq!(out.exit, 0);
    assert_eq!(c.typed_ahead(0).len(), 2);
    assert_eq!(c.next_typed_in(0).as_deref(), Some("etcdctl put a 1"));
    assert_eq!(c.next_typed_in(0).as_deref(), Some("etcdctl get a"));
    assert_eq!(c.next_typed_in(0), None);
    // A prompt of the running command takes the next typed line as its answer.
    assert!(matches!(
        c.run_line_in(0, "sleep 1; etcdctl --user root get k --print-value-only"),
        Run::Streaming(_)
    ));
    c.type_ahead_in(0, "rootpw");
    let out = until_done(&mut c, 0, Output::default());
    assert_eq!((out.stdout.as_str(), out.exit), ("Password: \nv\n", 0), "{out:?}");
    assert!(c.typed_ahead(0).is_empty());
    // Ctrl+C drops what was typed ahead, as SIGINT flushes a terminal's input.
    assert!(matches!(c.run_line_in(0, "sleep 5"), Run::Streaming(_)));
    c.type_ahead_in(0, "etcdctl del k");
    assert_eq!(c.interrupt_in(0).exit, 130);
    assert!(c.typed_ahead(0).is_empty());
}

#[test]
fn a_line_typed_at_the_prompt_answers_it() {
    let mut c = page();
    with_auth_page(&mut c);
    assert!(matches!(c.run_line_in(0, "etcdctl --user root put k v"), Run::Streaming(_)));
    assert!(c.prompt_in(0).is_some());
    c.type_ahead_in(0, "rootpw");
    let out = until_done(&mut c, 0, Output::default());
    assert_eq!((out.stdout.as_str(), out.exit), ("Password: \nOK\n", 0), "{out:?}");
    assert!(c.typed_ahead(0).is_empty());
}
