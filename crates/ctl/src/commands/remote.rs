//! A connection to the simulated cluster (crates/sim): pick the member serving the endpoints, authenticate, send `server::Request`s with the command timeout in virtual time, and print failures as etcdctl does.
//!
//! ```text
//! open:  --endpoints 127.0.0.2:2379   -> etcd-2 (running, TLS settings fit)   else: the dial fails
//!        --user u:pw                  -> Authenticate -> token for every later request
//! send:  Put foo bar                  -> Ok(Response::Put) | Error: <etcd's message>
//!                                        (quorum lost: Error: context deadline exceeded after 5 s)
//! ```

use server::{Request, Response};
use sim::ClientError;

use super::Conn;
use crate::client::{self, Client};
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::{Output, exit};
use crate::pki;

/// The member serving the client: the first endpoint whose member runs and
/// with which the client can talk: plain http to a plain member, or TLS
/// with a handshake that succeeds (crates/ctl/src/pki.rs) to a member with
/// client-certificate auth.
pub(crate) fn pick(con: &Console, client: &Client) -> Option<u64> {
    let tls = con.backend.tls;
    client.endpoints.iter().find_map(|ep| {
        let reaches = match (tls, client.speaks_tls(ep), &client.tls) {
            (false, speaks, _) => !speaks,
            (true, true, Some(t)) => t.handshake().is_ok(),
            (true, _, _) => false,
        };
        con.backend.member_at(ep).filter(|m| m.running && reaches).map(|m| m.id)
    })
}

/// What gRPC says of a connection that `endpoint status` and `endpoint
/// hashkv` make to one endpoint themselves, when the member refuses it:
/// unlike the balancer's, their warning names the cause (tests/golden/tls).
/// etcd 3.4.23's per-endpoint dial leaves out `--insecure-skip-tls-verify`,
/// so an untrusted member reads as an unknown authority even with it.
pub(crate) fn direct_dial_error(con: &Console, client: &Client, ep: &str) -> &'static str {
    const UNKNOWN_AUTHORITY: &str = "latest balancer error: connection error: desc = \"transport: authentication handshake failed: x509: certificate signed by unknown authority\"";
    const CLOSED: &str = "latest balancer error: connection closed";
    let up = con.backend.member_at(ep).is_some_and(|m| m.running);
    if !up || !con.backend.tls {
        return client::DIAL_FAILED;
    }
    if !client.speaks_tls(ep) {
        return CLOSED;
    }
    let verified = client.tls.clone().map(|t| pki::ClientTls { skip_verify: false, ..t });
    match verified.map(|t| t.handshake()) {
        Some(Err(pki::Handshake::BadCertificate)) => CLOSED,
        Some(Ok(())) => client::DIAL_FAILED,
        Some(Err(pki::Handshake::UnknownAuthority)) | None => UNKNOWN_AUTHORITY,
    }
}

impl Conn {
    /// Opens the client on the simulated cluster (after etcdctl's password
    /// prompt when `--user` has none): the first endpoint whose
    /// member runs and speaks the same TLS, then `Authenticate` when `--user`
    /// is given.
    pub fn open_sim(con: &mut Console, p: &Parsed) -> Result<Conn, Exec> {
        Conn::open(con, p, None, None)
    }

    /// [`Conn::open_sim`] with `--user`'s password already asked for
    /// (etcdctl reuses its client config: no second prompt).
    pub fn open_sim_asked(con: &mut Console, p: &Parsed, password: Option<String>) -> Result<Conn, Exec> {
        Conn::open(con, p, None, Some(password))
    }

    /// [`Conn::open_sim`] for a command that words its failed request
    /// (`Error: failed to grant lease (context deadline exceeded)`): clientv3
    /// dials lazily, so an unreachable member fails the request, not the dial.
    pub fn open_sim_for(con: &mut Console, p: &Parsed, what: &str) -> Result<Conn, Exec> {
        Conn::open(con, p, Some(what), None)
    }

    fn open(
        con: &mut Console,
        p: &Parsed,
        what: Option<&str>,
        asked: Option<Option<String>>,
    ) -> Result<Conn, Exec> {
        let client = Client::from_flags(p, &con.vfs).map_err(Exec::done)?;
        let Some(endpoint) = pick(con, &client) else {
            let f = client.dial_failure(con.backend.clock_ms());
            // Nothing answered: the client waits out its command timeout.
            con.backend.advance(f.elapsed_ms);
            let failed = Exec::done(f.out);
            return Err(match what {
                Some(what) => wrap_error(failed, what),
                None => failed,
            });
        };
        let mut conn = Conn { client, user: None, endpoint, token: None, elapsed_ms: 0 };
        let password = match asked {
            Some(pw) => pw,
            None => ask_password(con, &conn.client),
        };
        // clientv3 authenticates only with a user and a non-empty password.
        if let (Some(name), Some(password)) = (conn.client.user.clone(), password.filter(|p| !p.is_empty())) {
            let timeout = conn.client.command_timeout_ms;
            let auth = Request::Authenticate { name: name.clone(), password };
            let (result, took) = con.backend.call(endpoint, auth, timeout, None);
            conn.elapsed_ms += took;
            match result {
                Ok(Response::Authenticate { token, .. }) => conn.token = Some(token),
                Ok(_) => {}
                // clientv3 logs the refusal and goes on without a token when auth is off.
                Err(ClientError::Server(server::Error::AuthNotEnabled)) => {
                    let now = con.backend.clock_ms();
                    let msg = server::Error::AuthNotEnabled.to_string();
                    let ep = conn.client.endpoint();
                    con.client_log.push_str(&client::retry_warning(now, &ep, "FailedPrecondition", &msg));
                }
                Err(e) => {
                    let mut e = conn.client_error(con, e);
                    if e.out.exit == exit::ERROR {
                        e.out.exit = exit::BAD_CONNECTION;
                    }
                    return Err(e);
                }
            }
            conn.user = Some(name);
        }
        Ok(conn)
    }

    /// Sends `request` to the member this connection talks to; runs virtual
    /// time until it resolves. A failure comes back printed as etcdctl prints it.
    pub fn send(&mut self, con: &mut Console, request: Request) -> Result<Response, Exec> {
        let timeout = self.client.command_timeout_ms;
        let (result, took) = con.backend.call(self.endpoint, request, timeout, self.token.clone());
        self.elapsed_ms += took;
        result.map_err(|e| self.client_error(con, e))
    }

    /// A client error as etcdctl prints it: the client's warning, then `Error: ...`.
    pub fn client_error(&self, con: &Console, e: ClientError) -> Exec {
        let now = con.backend.clock_ms();
        let ep = self.client.endpoint();
        let out = match e {
            ClientError::Server(err) => {
                let msg = err.to_string();
                client::server_error(now, &ep, client::grpc_code(&err), &msg)
            }
            ClientError::DeadlineExceeded => {
                let mut out = Output::fail(
                    client::retry_warning(now, &ep, "DeadlineExceeded", "context deadline exceeded"),
                    exit::ERROR,
                );
                out.eprint("Error: context deadline exceeded\n");
                out
            }
            other => Output::error(other, exit::ERROR),
        };
        Exec::done(out)
    }

    /// An answer of the wrong kind (a broken invariant of the server's
    /// protocol, reported rather than panicking).
    pub fn unexpected(&self, r: &Response) -> Exec {
        let name = format!("{r:?}");
        let name: String = name.chars().take_while(|c| c.is_alphanumeric()).collect();
        Output::error(format!("unexpected response {name}"), exit::ERROR).into()
    }
}

/// etcdctl's wrapped errors: `Error: failed to grant lease (<etcd's message>)`.
pub(crate) fn wrap_error(ex: Exec, what: &str) -> Exec {
    wrap_error_as(ex, |msg| format!("{what} ({msg})"))
}

/// A failed command's final `Error: MSG` line reworded as `Error: {words(MSG)}`.
pub(crate) fn wrap_error_as(mut ex: Exec, words: impl Fn(&str) -> String) -> Exec {
    if let Some(at) = ex.out.stderr.rfind("Error: ") {
        let msg = ex.out.stderr[at + 7..].trim_end().to_string();
        ex.out.stderr.truncate(at);
        ex.out.eprint(format!("Error: {}\n", words(&msg)));
    }
    ex
}

/// The password of `client`'s user: given, or asked for as etcdctl's
/// authCfgFromCmd does (`Password: `, each time it builds a client
/// config); `None` without `--user`.
pub(crate) fn ask_password(con: &mut Console, client: &Client) -> Option<String> {
    client.user.as_ref()?;
    Some(match &client.password {
        Some(pw) => pw.clone(),
        None => con.ask_password("Password: "),
    })
}
