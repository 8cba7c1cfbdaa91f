//! What etcdctl reads from its standard input while it runs: the password prompts (speakeasy) and `fmt.Scanf("%s")`, at a terminal or without one.
//!
//! ```text
//! etcdctl --user root get k         speakeasy.Ask("Password: ")
//!   REPL, goldens (stdin /dev/null)   stdout "Password: \n", stderr stty's complaint twice,
//!                                     password "" (clientv3 then does not authenticate)
//!   echo pw | etcdctl --user root ... the same, password "pw" (one line of the input)
//!   the page (a terminal)             the command waits: prompt_in(tab) == Some(Prompt
//!                                     { text: "Password: ", masked: true }); answer_in(tab, "pw")
//!                                     goes on (the answer is the journal's `Input` entry);
//!                                     Ctrl+C exits 255 (speakeasy's os.Exit(-1))
//! ```

use super::{Console, Run};
use crate::journal::{Entry, Wait};
use crate::output::Output;

/// What a command waiting in page mode asks the user to type: the page
/// shows `text` and hides the answer when `masked` (a password).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    /// The prompt as etcdctl prints it (`Password: `).
    pub text: String,
    /// Typed characters are not shown (speakeasy turns the echo off).
    pub masked: bool,
}

/// The standard input of the etcdctl command being run, read as speakeasy
/// reads it: unbuffered, one line per answer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stdin {
    /// What is left of a pipe, heredoc or file; `None` when the command's
    /// input is the console itself (a terminal on the page, /dev/null in
    /// the REPL and the goldens).
    pub rest: Option<String>,
}

/// What GNU stty says when speakeasy runs `stty -echo` (and `stty echo`)
/// on an input that is not a terminal.
const STTY: &str = "stty: 'standard input': Inappropriate ioctl for device\n";

impl Stdin {
    /// The next line (without its newline), or what is left at the end.
    fn line(&mut self) -> String {
        let Some(rest) = self.rest.as_mut() else { return String::new() };
        let (line, tail) = match rest.find('\n') {
            Some(i) => (rest[..i].to_string(), rest[i + 1..].to_string()),
            None => (std::mem::take(rest), String::new()),
        };
        *rest = tail;
        line
    }
}

impl Console {
    /// Whether the command's input is a terminal the user types into: the
    /// page, with no pipe, heredoc or file in front of the command.
    fn at_terminal(&self) -> bool {
        self.stdin.rest.is_none() && self.backend.page && self.backend.journal.is_some()
    }

    /// speakeasy's `Ask(prompt)`: the prompt on stdout, a line read with
    /// the echo off, then a newline; trimmed. Without a terminal stty
    /// complains on stderr before and after. What it prints goes before the
    /// command's own output.
    pub(crate) fn ask_password(&mut self, prompt: &str) -> String {
        if self.at_terminal() {
            return self.typed(prompt, true).map(|t| t.trim().to_string()).unwrap_or_default();
        }
        let before = &mut self.before;
        before.print(prompt);
        before.eprint(STTY);
        let line = self.stdin.line();
        self.before.print("\n");
        self.before.eprint(STTY);
        line.trim().to_string()
    }

    /// `fmt.Scanf("%s", &s)`: the next word of the input (nothing printed).
    pub(crate) fn scan_word(&mut self) -> String {
        if self.at_terminal() {
            let typed = self.typed("", false).unwrap_or_default();
            return typed.split_whitespace().next().unwrap_or("").to_string();
        }
        let line = self.stdin.line();
        line.split_whitespace().next().unwrap_or("").to_string()
    }

    /// Page mode at a terminal: the answer typed for this prompt, from the
    /// journal; `None` (and the run waits) when it has not been typed yet.
    fn typed(&mut self, prompt: &str, masked: bool) -> Option<String> {
        let j = self.backend.journal.as_mut()?;
        if j.suspended() {
            return None;
        }
        let answered = match j.next(|e| matches!(e, Entry::Input { .. })) {
            Some(Entry::Input { text }) => Some(text),
            // A line typed ahead answers the prompt, as the terminal hands it to speakeasy.
            _ if !self.typeahead.is_empty() => {
                let text = self.typeahead.remove(0);
                j.push(Entry::Input { text: text.clone() });
                Some(text)
            }
            _ => None,
        };
        match answered {
            Some(text) => {
                // The terminal shows the prompt; speakeasy ends the hidden line.
                self.before.print(prompt);
                if masked {
                    self.before.print("\n");
                } else {
                    self.before.print(format!("{text}\n"));
                }
                Some(text)
            }
            _ => {
                j.waiting = Some(Wait::Input(Prompt { text: prompt.to_string(), masked }));
                None
            }
        }
    }

    /// What the command pending in `tab` waits for the user to type, if it
    /// waits for that (page mode).
    pub fn prompt_in(&self, tab: usize) -> Option<Prompt> {
        match self.pending_wait(tab)? {
            Wait::Input(p) => Some(p.clone()),
            _ => None,
        }
    }

    /// The user's answer to the prompt of the command pending in `tab`
    /// (a line, without its newline): the command goes on from there.
    /// Nothing happens when it does not wait for one.
    pub fn answer_in(&mut self, tab: usize, text: &str) -> Run {
        self.switch(tab);
        self.answer(text)
    }
}

impl Output {
    /// Nothing written, exit 0.
    pub(crate) fn is_empty(&self) -> bool {
        self.stdout.is_empty() && self.stderr.is_empty() && self.exit == 0
    }
}

impl Console {
    /// A line typed in `tab` while its command runs: a terminal keeps it
    /// and the shell reads it once the command is done (the caller runs
    /// it then: [`Console::next_typed_in`]). A prompt of the running
    /// command takes it as its answer. Ctrl+C drops what is kept.
    pub fn type_ahead_in(&mut self, tab: usize, line: &str) {
        self.switch(tab);
        self.typeahead.push(line.to_string());
    }

    /// The lines kept for `tab`, oldest first.
    pub fn typed_ahead(&self, tab: usize) -> &[String] {
        if tab == self.active { &self.typeahead } else { self.parked.get(&tab).map_or(&[], |t| &t.typeahead) }
    }

    /// The next line kept for `tab`, to run now that its command is done.
    pub fn next_typed_in(&mut self, tab: usize) -> Option<String> {
        self.switch(tab);
        (!self.typeahead.is_empty()).then(|| self.typeahead.remove(0))
    }
}
