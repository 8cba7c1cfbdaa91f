//! `member add|remove|update|list|promote` and their printers (table included).

use mvcc::ResponseHeader;
use server::{PeerInfo, Request, Response};

use super::{Conn, bad_args, send};
use crate::console::{Console, Exec};
use crate::flags::{Parsed, parse_hex_u64};
use crate::output::Output;
use crate::printers::{Format, json, protobuf, table};

/// A member as the printers take it.
#[derive(Clone)]
struct Member {
    id: u64,
    /// Empty until the member has started and published its name.
    name: String,
    peer_urls: Vec<String>,
    client_urls: Vec<String>,
    is_learner: bool,
}

fn member_json(m: &Member) -> String {
    let urls =
        |v: &[String]| format!("[{}]", v.iter().map(|u| json::string(u)).collect::<Vec<_>>().join(","));
    let mut o = json::Obj::new()
        .num_always("ID", m.id as i128)
        .str("name", &m.name)
        .raw("peerURLs", urls(&m.peer_urls));
    if !m.client_urls.is_empty() {
        o = o.raw("clientURLs", urls(&m.client_urls));
    }
    o.flag("isLearner", m.is_learner).end()
}

/// A member as etcd's `Member` protobuf message.
fn member_pb(m: &Member) -> protobuf::Msg {
    let mut msg = protobuf::Msg::new().uint(1, m.id).bytes(2, m.name.as_bytes());
    for u in &m.peer_urls {
        msg = msg.bytes_always(3, u.as_bytes());
    }
    for u in &m.client_urls {
        msg = msg.bytes_always(4, u.as_bytes());
    }
    msg.boolean(5, m.is_learner)
}

/// A membership response as protobuf: the header, then the members (`extra`
/// comes between them: member add's new member).
fn members_pb(h: &ResponseHeader, extra: Option<&Member>, members: &[Member]) -> Vec<u8> {
    let mut msg = protobuf::Msg::new().msg(1, protobuf::header(h));
    let field = if let Some(m) = extra {
        msg = msg.msg(2, member_pb(m));
        3
    } else {
        2
    };
    for m in members {
        msg = msg.msg(field, member_pb(m));
    }
    msg.end()
}

/// A member of the simulated cluster as the printers take it.
fn from_peer(con: &Console, p: &PeerInfo) -> Member {
    let urls = |v: &[String]| v.iter().map(|u| con.backend.url(u)).collect();
    Member {
        id: p.id,
        name: p.name.clone(),
        peer_urls: urls(&p.peer_urls),
        client_urls: urls(&p.client_urls),
        is_learner: p.is_learner,
    }
}

fn from_peers(con: &Console, ps: &[PeerInfo]) -> Vec<Member> {
    let mut v: Vec<Member> = ps.iter().map(|p| from_peer(con, p)).collect();
    slim::sort_by_key(&mut v, |m| m.id);
    v
}

/// Opens a connection to the simulated cluster and sends a membership change.
fn sim_change(
    con: &mut Console,
    p: &Parsed,
    req: Request,
) -> Result<(Conn, server::MemberListResponse), Exec> {
    let mut conn = Conn::open_sim(con, p)?;
    match conn.send(con, req) {
        Ok(Response::MemberRemove(r) | Response::MemberUpdate(r) | Response::MemberPromote(r)) => {
            Ok((conn, r))
        }
        Ok(other) => Err(conn.unexpected(&other)),
        Err(e) => Err(e),
    }
}

fn urls_arg(p: &Parsed) -> Result<Vec<String>, Exec> {
    let urls = p.slice("peer-urls");
    if urls.is_empty() {
        return Err(bad_args("member peer urls not provided"));
    }
    for u in &urls {
        let ok = ["http://", "https://", "unix://", "unixs://"].iter().any(|s| u.starts_with(s));
        if !ok {
            return Err(Output::error(
                format!("URL scheme must be http, https, unix, or unixs: {u}"),
                crate::output::exit::ERROR,
            )
            .into());
        }
    }
    Ok(urls)
}

/// `member add NAME --peer-urls=... [--learner]`.
pub(crate) fn add(con: &mut Console, p: &Parsed) -> Exec {
    if p.args.is_empty() {
        return bad_args("member name not provided");
    }
    if p.args.len() > 1 {
        // etcdctl names every argument that looks like a URL.
        let mut ev = String::from("too many arguments");
        for a in p.args.iter().filter(|a| a.to_lowercase().starts_with("http")) {
            ev.push_str(&format!(", did you mean --peer-urls={a}"));
        }
        return bad_args(ev);
    }
    let urls = match urls_arg(p) {
        Ok(u) => u,
        Err(e) => return e,
    };
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let req = Request::MemberAdd { peer_urls: urls.clone(), is_learner: p.bool("learner") };
    let r = send!(conn, con, req, Response::MemberAdd);
    let name = p.args[0].clone();
    con.backend.pending.insert(name.clone(), (r.member.id, urls.clone()));
    let mut h = r.header.clone();
    h.revision = 0;
    let cid = h.cluster_id;
    print_add(&conn, &from_peer(con, &r.member), &name, &urls, &from_peers(con, &r.members), &h, cid)
}

fn print_add(
    conn: &Conn,
    new: &Member,
    name: &str,
    urls: &[String],
    members: &[Member],
    h: &ResponseHeader,
    cluster_id: u64,
) -> Exec {
    let out = match conn.format() {
        Format::Simple => {
            let mut s = format!("Member {:>16x} added to cluster {:>16x}\n\n", new.id, cluster_id);
            let mut parts = Vec::new();
            for m in members {
                let n = if m.id == new.id { name.to_string() } else { m.name.clone() };
                if n.is_empty() {
                    continue;
                }
                for u in &m.peer_urls {
                    parts.push(format!("{n}={u}"));
                }
            }
            s.push_str(&format!("ETCD_NAME={name:?}\n"));
            s.push_str(&format!("ETCD_INITIAL_CLUSTER={:?}\n", parts.join(",")));
            s.push_str(&format!("ETCD_INITIAL_ADVERTISE_PEER_URLS={:?}\n", urls.join(",")));
            s.push_str("ETCD_INITIAL_CLUSTER_STATE=\"existing\"\n");
            s
        }
        Format::Json => {
            let mut m = new.clone();
            m.name.clear();
            let members: Vec<String> = members.iter().map(member_json).collect();
            format!(
                "{{\"header\":{},\"member\":{},\"members\":[{}]}}\n",
                json::header(h),
                member_json(&m),
                members.join(",")
            )
        }
        Format::Protobuf => {
            let mut m = new.clone();
            m.name.clear();
            return conn.ok(super::protobuf_out(members_pb(h, Some(&m), members)));
        }
        // etcdctl's fields and table printers have no MemberAdd.
        Format::Fields | Format::Table => return conn.unsupported(),
    };
    conn.ok(Output::ok(out))
}

fn id_arg(p: &Parsed) -> Result<u64, Exec> {
    if p.args.len() != 1 {
        return Err(bad_args("member ID is not provided"));
    }
    parse_hex_u64(&p.args[0]).map_err(|e| bad_args(format!("bad member ID arg ({e}), expecting ID in Hex")))
}

/// `member remove ID`.
pub(crate) fn remove(con: &mut Console, p: &Parsed) -> Exec {
    let id = match id_arg(p) {
        Ok(i) => i,
        Err(e) => return e,
    };
    match sim_change(con, p, Request::MemberRemove { id }) {
        Ok((conn, r)) => {
            con.backend.pending.retain(|_, (m, _)| *m != id);
            print_changed(con, &conn, "removed from", id, &r)
        }
        Err(e) => e,
    }
}

/// `member update ID --peer-urls=...`.
pub(crate) fn update(con: &mut Console, p: &Parsed) -> Exec {
    let id = match id_arg(p) {
        Ok(i) => i,
        Err(e) => return e,
    };
    let urls = match urls_arg(p) {
        Ok(u) => u,
        Err(e) => return e,
    };
    match sim_change(con, p, Request::MemberUpdate { id, peer_urls: urls }) {
        Ok((conn, r)) => print_changed(con, &conn, "updated in", id, &r),
        Err(e) => e,
    }
}

/// `member promote ID`.
pub(crate) fn promote(con: &mut Console, p: &Parsed) -> Exec {
    let id = match id_arg(p) {
        Ok(i) => i,
        Err(e) => return e,
    };
    match sim_change(con, p, Request::MemberPromote { id }) {
        Ok((conn, r)) => print_changed(con, &conn, "promoted in", id, &r),
        Err(e) => e,
    }
}

/// `member list`.
pub(crate) fn list(con: &mut Console, p: &Parsed) -> Exec {
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let r = send!(conn, con, Request::MemberList, Response::MemberList);
    let mut h = r.header.clone();
    h.revision = 0;
    print_list(&conn, &from_peers(con, &r.members), &h)
}

fn print_list(conn: &Conn, members: &[Member], h: &ResponseHeader) -> Exec {
    let status = |m: &Member| if m.name.is_empty() { "unstarted" } else { "started" };
    let out = match conn.format() {
        Format::Simple => members
            .iter()
            .map(|m| {
                format!(
                    "{:x}, {}, {}, {}, {}, {}\n",
                    m.id,
                    status(m),
                    m.name,
                    m.peer_urls.join(","),
                    m.client_urls.join(","),
                    m.is_learner
                )
            })
            .collect(),
        Format::Table => {
            let rows: Vec<Vec<String>> = members
                .iter()
                .map(|m| {
                    vec![
                        format!("{:x}", m.id),
                        status(m).to_string(),
                        m.name.clone(),
                        m.peer_urls.join(","),
                        m.client_urls.join(","),
                        m.is_learner.to_string(),
                    ]
                })
                .collect();
            table::render(&["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"], &rows)
        }
        Format::Json if conn.client.hex => {
            let mut s = format!(
                "{{\"header\":{{\"cluster_id\":\"{:x}\",\"member_id\":\"{:x}\",\"raft_term\":{}}}",
                h.cluster_id, h.member_id, h.raft_term
            );
            let urls = |v: &[String]| {
                format!("[{}]", v.iter().map(|u| json::string(u)).collect::<Vec<_>>().join(","))
            };
            for (i, m) in members.iter().enumerate() {
                s.push_str(if i == 0 { ",\"members\":[{\"ID\":\"" } else { ",{\"ID\":\"" });
                s.push_str(&format!(
                    "{:x}\",\"name\":{},\"peerURLs\":{},\"clientURLS\":{}}}",
                    m.id,
                    json::string(&m.name),
                    urls(&m.peer_urls),
                    if m.client_urls.is_empty() { "null".to_string() } else { urls(&m.client_urls) }
                ));
                if i == members.len() - 1 {
                    s.push(']');
                }
            }
            s.push_str("}\n");
            s
        }
        Format::Json => {
            let items: Vec<String> = members.iter().map(member_json).collect();
            format!("{{\"header\":{},\"members\":[{}]}}\n", json::header(h), items.join(","))
        }
        Format::Fields => {
            let mut s = String::new();
            crate::printers::fields::header(&mut s, h);
            for m in members {
                s.push_str(&format!(
                    "\"ID\" : {}\n\"Name\" : {}\n",
                    m.id,
                    crate::printers::go_quote(&m.name)
                ));
                for u in &m.peer_urls {
                    s.push_str(&format!("\"PeerURL\" : {}\n", crate::printers::go_quote(u)));
                }
                for u in &m.client_urls {
                    s.push_str(&format!("\"ClientURL\" : {}\n", crate::printers::go_quote(u)));
                }
                s.push_str(&format!("\"IsLearner\" : {}\n\n", m.is_learner));
            }
            s
        }
        Format::Protobuf => return conn.ok(super::protobuf_out(members_pb(h, None, members))),
    };
    conn.ok(Output::ok(out))
}

/// What `member remove|update|promote` print.
fn print_changed(con: &Console, conn: &Conn, verb: &str, id: u64, r: &server::MemberListResponse) -> Exec {
    let mut h = r.header.clone();
    h.revision = 0;
    let cid = h.cluster_id;
    match conn.format() {
        Format::Simple => conn.ok(Output::ok(format!("Member {id:>16x} {verb} cluster {cid:>16x}\n"))),
        Format::Json => {
            let members: Vec<String> = from_peers(con, &r.members).iter().map(member_json).collect();
            conn.ok(Output::ok(format!(
                "{{\"header\":{},\"members\":[{}]}}\n",
                json::header(&h),
                members.join(",")
            )))
        }
        Format::Protobuf => conn.ok(super::protobuf_out(members_pb(&h, None, &from_peers(con, &r.members)))),
        // etcdctl's fields and table printers have no MemberRemove/Update/Promote.
        Format::Fields | Format::Table => conn.unsupported(),
    }
}
