//! `auth ...`, `user ...` and `role ...` on the simulated cluster: each becomes a `server::AuthRequest` applied through Raft.

use server::{AuthRequest, AuthResponse, Request, Response};

use super::perm_number;
use super::{grant_perm_arg, list_text, revoke_range, revoked_text, role_text};
use crate::client::retry_warning;
use crate::commands::Conn;
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::output::Output;
use crate::printers::{Format, json};

/// Sends one auth request; the answer and its header.
fn auth(
    conn: &mut Conn,
    con: &mut Console,
    req: AuthRequest,
) -> Result<(mvcc::ResponseHeader, AuthResponse), Exec> {
    match conn.send(con, Request::Auth(req)) {
        Ok(Response::Auth { header, resp }) => Ok((header, resp)),
        Ok(other) => Err(conn.unexpected(&other)),
        Err(e) => Err(e),
    }
}

/// Runs an auth, user or role command (arguments already checked;
/// `user_pw`: `user add`'s or `user passwd`'s name and password, read first).
pub(crate) fn run(con: &mut Console, p: &Parsed, user_pw: Option<(String, Option<String>)>) -> Exec {
    let a = &p.args;
    let mut conn = match Conn::open_sim(con, p) {
        Ok(c) => c,
        Err(e) => return e,
    };
    // The header of the last answer: what `-w json|fields` print for the
    // commands whose response carries nothing else.
    let last_header = std::cell::RefCell::new(mvcc::ResponseHeader::default());
    macro_rules! call {
        ($req:expr) => {
            match auth(&mut conn, con, $req) {
                Ok(r) => {
                    *last_header.borrow_mut() = r.0.clone();
                    r
                }
                Err(e) => return e,
            }
        };
    }
    let text = match p.path.as_str() {
        "auth enable" => {
            // etcdctl adds the root role and grants it to root when only that is missing.
            let mut warn = String::new();
            match auth(&mut conn, con, AuthRequest::Enable) {
                Ok(_) => {}
                Err(e) if e.out.stderr.contains(&server::Error::RootRoleNotExist.to_string()) => {
                    let msg = server::Error::RootRoleNotExist.to_string();
                    warn = retry_warning(
                        con.backend.clock_ms(),
                        &conn.client.endpoint(),
                        "FailedPrecondition",
                        &msg,
                    );
                    call!(AuthRequest::RoleAdd { name: "root".to_string() });
                    call!(AuthRequest::UserGrantRole { user: "root".to_string(), role: "root".to_string() });
                    call!(AuthRequest::Enable);
                }
                Err(e) => return e,
            }
            let mut ex = conn.ok(Output::ok("Authentication Enabled\n"));
            ex.out.stderr = warn;
            return ex;
        }
        "auth disable" => {
            call!(AuthRequest::Disable);
            "Authentication Disabled\n".to_string()
        }
        "auth status" => {
            let (h, r) = call!(AuthRequest::Status);
            let AuthResponse::Status(st) = r else {
                return conn.unexpected(&Response::Auth { header: h, resp: r });
            };
            match conn.format() {
                Format::Json => format!(
                    "{}\n",
                    json::Obj::new()
                        .raw("header", json::header(&h))
                        .flag("enabled", st.enabled)
                        .num("authRevision", st.auth_revision as i128)
                        .end()
                ),
                _ => format!("Authentication Status: {}\nAuthRevision: {}\n", st.enabled, st.auth_revision),
            }
        }
        "user add" => {
            let Some((name, password)) = user_pw else {
                return crate::commands::bad_args("user add: no name");
            };
            let no_password = password.is_none();
            let req = AuthRequest::UserAdd {
                name: name.clone(),
                password: password.unwrap_or_default(),
                no_password,
            };
            call!(req);
            format!("User {name} created\n")
        }
        "user delete" => {
            call!(AuthRequest::UserDelete { name: a[0].clone() });
            format!("User {} deleted\n", a[0])
        }
        "user passwd" => {
            let pw = user_pw.and_then(|(_, pw)| pw).unwrap_or_default();
            call!(AuthRequest::UserChangePassword { name: a[0].clone(), password: pw });
            "Password updated\n".to_string()
        }
        "user grant-role" => {
            call!(AuthRequest::UserGrantRole { user: a[0].clone(), role: a[1].clone() });
            format!("Role {} is granted to user {}\n", a[1], a[0])
        }
        "user revoke-role" => {
            call!(AuthRequest::UserRevokeRole { name: a[0].clone(), role: a[1].clone() });
            format!("Role {} is revoked from user {}\n", a[1], a[0])
        }
        "user get" => {
            let (h, r) = call!(AuthRequest::UserGet { name: a[0].clone() });
            let AuthResponse::UserGet { roles } = r else {
                return conn.unexpected(&Response::Auth { header: h, resp: r });
            };
            match conn.format() {
                Format::Json => format!(
                    "{}\n",
                    json::Obj::new()
                        .raw("header", json::header(&h))
                        .arr("roles", roles.iter().map(|r| json::string(r)).collect())
                        .end()
                ),
                _ if p.bool("detail") => {
                    let mut s = format!("User: {}\n", a[0]);
                    for role in &roles {
                        let (_, rr) = call!(AuthRequest::RoleGet { role: role.clone() });
                        let perms = match rr {
                            AuthResponse::RoleGet { perm } => perm,
                            _ => Vec::new(),
                        };
                        s.push('\n');
                        s.push_str(&role_text(role, &perms));
                    }
                    s
                }
                _ => {
                    let mut s = format!("User: {}\nRoles:", a[0]);
                    for r in &roles {
                        s.push(' ');
                        s.push_str(r);
                    }
                    s.push('\n');
                    s
                }
            }
        }
        "user list" => {
            if matches!(conn.format(), Format::Protobuf) {
                return conn.unsupported();
            }
            let (h, r) = call!(AuthRequest::UserList);
            let AuthResponse::UserList { users } = r else {
                return conn.unexpected(&Response::Auth { header: h, resp: r });
            };
            list_text(&h, &conn, "users", &users)
        }
        "role add" => {
            call!(AuthRequest::RoleAdd { name: a[0].clone() });
            format!("Role {} created\n", a[0])
        }
        "role delete" => {
            call!(AuthRequest::RoleDelete { role: a[0].clone() });
            format!("Role {} deleted\n", a[0])
        }
        "role get" => {
            let (h, r) = call!(AuthRequest::RoleGet { role: a[0].clone() });
            let AuthResponse::RoleGet { perm: perms } = r else {
                return conn.unexpected(&Response::Auth { header: h, resp: r });
            };
            match conn.format() {
                Format::Json => {
                    let items: Vec<String> = perms
                        .iter()
                        .map(|pm| {
                            json::Obj::new()
                                .num("permType", i128::from(perm_number(pm.perm_type)))
                                .bytes("key", &pm.key)
                                .bytes("range_end", &pm.range_end)
                                .end()
                        })
                        .collect();
                    format!("{}\n", json::Obj::new().raw("header", json::header(&h)).arr("perm", items).end())
                }
                Format::Fields => {
                    let mut s = String::new();
                    crate::printers::fields::header(&mut s, &h);
                    for pm in &perms {
                        s.push_str(&format!("\"PermType\" :  {}\n", pm.perm_type));
                        s.push_str(&format!("\"Key\" : {:?}\n", String::from_utf8_lossy(&pm.key)));
                        s.push_str(&format!("\"RangeEnd\" : {:?}\n", String::from_utf8_lossy(&pm.range_end)));
                    }
                    s
                }
                _ => role_text(&a[0], &perms),
            }
        }
        "role list" => {
            let (h, r) = call!(AuthRequest::RoleList);
            let AuthResponse::RoleList { roles } = r else {
                return conn.unexpected(&Response::Auth { header: h, resp: r });
            };
            list_text(&h, &conn, "roles", &roles)
        }
        "role grant-permission" => {
            let perm = match grant_perm_arg(p) {
                Ok(perm) => perm,
                Err(e) => return e,
            };
            call!(AuthRequest::RoleGrantPermission { name: a[0].clone(), perm: Some(perm) });
            format!("Role {} updated\n", a[0])
        }
        "role revoke-permission" => {
            let (key, range_end) = match revoke_range(p) {
                Ok(r) => r,
                Err(e) => return e,
            };
            call!(AuthRequest::RoleRevokePermission {
                role: a[0].clone(),
                key,
                range_end: range_end.clone()
            });
            revoked_text(p, &range_end)
        }
        other => return crate::commands::bad_args(format!("{other}: unknown auth command")),
    };
    // etcdctl's printers run after the request went through: the table
    // printer has none of these commands, the fields printer lacks user get,
    // user list and auth status, and the commands that print a sentence in
    // simple format print their response (a header) otherwise.
    let path = p.path.as_str();
    let own_output = ["auth enable", "auth disable"].contains(&path);
    let answered = ["user get", "user list", "role get", "role list", "auth status"].contains(&path);
    let text = match conn.format() {
        Format::Table if !own_output => return conn.unsupported(),
        Format::Fields if ["user get", "user list", "auth status"].contains(&path) => {
            return conn.unsupported();
        }
        Format::Fields if !own_output && !answered => {
            let mut s = String::new();
            crate::printers::fields::header(&mut s, &last_header.borrow());
            s
        }
        Format::Json if !own_output && !answered => {
            format!("{}\n", json::Obj::new().raw("header", json::header(&last_header.borrow())).end())
        }
        _ => text,
    };
    conn.ok(Output::ok(text))
}
