//! A run as saved in the browser and in share links: the format is the
//! core's ([`ctl::session`], where the fuzz campaign reaches its decoder);
//! replaying it is [`crate::engine::Engine::restore`].

pub use ctl::session::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn text_round_trips() {
        let s = Session {
            seed: 42,
            members: 5,
            tls: true,
            entries: vec![
                Entry { at_ms: 10, tab: 0, act: Act::Line("etcdctl put a 'b c'".into()) },
                Entry {
                    at_ms: 20,
                    tab: 1,
                    act: Act::Line("kubectl apply -f - <<EOF\nkind: x\\y\nEOF".into()),
                },
                Entry { at_ms: 30, tab: 1, act: Act::Interrupt },
                Entry { at_ms: 35, tab: 1, act: Act::Clear },
                Entry { at_ms: 40, tab: 0, act: Act::Step },
                Entry { at_ms: 41, tab: 0, act: Act::StepTo(StepTo::Message) },
                Entry { at_ms: 42, tab: 0, act: Act::StepTo(StepTo::Event) },
                Entry { at_ms: 50, tab: 0, act: Act::File("/root/my snap.db".into(), vec![0, 1, 2, 255, 7]) },
                Entry { at_ms: 60, tab: 0, act: Act::Manifest("kind: ConfigMap\n  a: \\x\n".into()) },
            ],
            clock_ms: 90,
            view_ms: 99,
            speed: 0.25,
            paused: true,
        };
        assert_eq!(Session::from_text(&s.to_text()), Some(s));
        assert_eq!(Session::from_text("garbage"), None);
        assert_eq!(Session::from_text("etcd-playground 2 seed=x"), None);
        // A hostile record cannot make the replay run for ever.
        let huge = "etcd-playground 2 seed=1 members=1 clock=18446744073709551615 view=18446744073709551615\n\
                    18446744073709551615 0 > etcdctl put a b\n";
        let fresh = Engine::new(1, 1).now();
        let e = Engine::restore_within(&Session::from_text(huge).expect("parses"), 2_000);
        assert_eq!(e.now(), fresh + 2_000);
        assert!(e.view_ms <= e.now() + crate::engine::GRID_MS);
        assert!(e.session().entries.is_empty());
        for n in 0..7 {
            let bytes: Vec<u8> = (0..n).map(|i| i * 37).collect();
            assert_eq!(unbase64(&base64(&bytes)), Some(bytes));
        }
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_saved_session_replays_to_the_same_state() {
        let mut e = Engine::new(11, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        for tab in [0, 1] {
            crate::engine::tests::use_certs(&mut e, tab);
        }
        e.run_line(1, "etcdctl watch foo");
        e.run_line(0, "etcdctl put foo bar");
        for _ in 0..10 {
            e.frame(16.0);
        }
        e.interrupt(1);
        e.stage(vec!["cluster stop etcd-3".into()]);
        for _ in 0..10 {
            e.frame(33.0);
        }
        e.paused = true;
        for _ in 0..5 {
            e.step_once();
        }
        e.paused = false;
        e.run_line(0, "load 50");
        for _ in 0..20 {
            e.frame(16.0);
        }
        e.interrupt(0);
        e.frame(7.0);
        let text = e.session().to_text();
        let back = Engine::restore(&Session::from_text(&text).expect("parses"));
        assert_eq!(back.sim().state_hash(), e.sim().state_hash());
        assert_eq!(back.now(), e.now());
        // The kubeadm cluster's keys, and ours among them.
        let keys = back.keys(usize::MAX);
        assert!(keys.iter().any(|k| k == "foo"), "{keys:?}");
        assert_eq!(keys, e.keys(usize::MAX));
        assert_eq!(back.tab_texts(0), e.tab_texts(0));
        assert_eq!(back.tab_texts(1), e.tab_texts(1));
        assert_eq!(e.tab_texts(1)[1..4], ["PUT", "foo", "bar"]);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn ctrl_l_is_replayed_and_cleared_lines_stay_gone() {
        let mut e = Engine::new(13, 3);
        for _ in 0..30 {
            e.frame(100.0);
        }
        crate::engine::tests::use_certs(&mut e, 0);
        e.run_line(0, "etcdctl put gone soon");
        e.run_line(1, "echo kept in tab 2");
        for _ in 0..10 {
            e.frame(16.0);
        }
        e.clear(0);
        assert!(e.tab_texts(0).is_empty());
        e.run_line(0, "echo after");
        e.interrupt(0);
        e.upload("/root/a.bin", vec![1, 2, 3]);
        e.frame(16.0);
        let text = e.session().to_text();
        assert!(text.contains(" 0 clear\n"), "{text}");
        let back = Engine::restore(&Session::from_text(&text).expect("parses"));
        let shown = e.tab_texts(0);
        assert_eq!(
            shown,
            ["etcd-1 $ echo after", "after", "etcd-1 $ ^C", "# uploaded /root/a.bin (3 bytes)"]
        );
        assert_eq!(back.tab_texts(0), shown);
        assert_eq!(back.tab_texts(1), e.tab_texts(1));
        assert!(back.tab_texts(1).iter().any(|l| l == "kept in tab 2"));
        assert_eq!(back.sim().state_hash(), e.sim().state_hash());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_session_saved_before_ctrl_l_was_recorded_still_loads() {
        let old = "etcd-playground 2 seed=7 members=3 clock=9000 view=9003 speed=1 paused=0\n\
                   7000 0 > etcdctl put a b\n\
                   7500 1 > etcdctl watch a\n\
                   8000 1 ^C\n\
                   8010 0 step\n";
        let s = Session::from_text(old).expect("an older record reads");
        assert_eq!(s.entries.len(), 4);
        let e = Engine::restore(&s);
        assert_eq!(e.tab_texts(0), ["etcd-1 $ etcdctl put a b", "OK"]);
        assert_eq!(e.tab_texts(1), ["etcd-1 $ etcdctl watch a", "^C"]);
        assert_eq!(e.now(), 9000);
        assert_eq!(Session::from_text(&e.session().to_text()), Some(e.session()));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_fresh_page_serves_tls_and_its_record_says_so() {
        use crate::engine::tests::run;
        let mut e = Engine::new(7, 3);
        e.frame(100.0);
        run(&mut e, 0, "etcdctl put a b");
        // etcdctl's 5 s dial timeout, on the page's clock.
        for _ in 0..200 {
            e.frame(16.0);
        }
        run(&mut e, 0, &format!("etcdctl{} put c d", ctl::pki::ETCDCTL_FLAGS));
        let shown = e.tab_texts(0);
        assert!(shown.iter().any(|l| l == "Error: context deadline exceeded"), "{shown:?}");
        assert_eq!(shown.last().map(String::as_str), Some("OK"), "{shown:?}");
        let text = e.session().to_text();
        assert!(text.lines().next().is_some_and(|head| head.contains(" tls=1 ")), "{text}");
        let back = Engine::restore(&Session::from_text(&text).expect("parses"));
        assert_eq!(back.tab_texts(0), shown);
    }
}
