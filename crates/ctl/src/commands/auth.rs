//! `auth enable|disable|status`, `user ...` and `role ...`: auth management with etcdctl's texts.

mod sim;

use mvcc::{ResponseHeader, prefix_end};
use server::{Permission, PermissionType};

use super::{Conn, bad_args};
use crate::console::{Console, Exec};
use crate::flags::Parsed;
use crate::printers::{Format, json};

/// Parses etcdctl's spelling of a permission type (case-insensitive).
fn parse_perm_type(s: &str) -> Option<PermissionType> {
    match s.to_ascii_lowercase().as_str() {
        "read" => Some(PermissionType::Read),
        "write" => Some(PermissionType::Write),
        "readwrite" => Some(PermissionType::ReadWrite),
        _ => None,
    }
}

/// The protobuf enum number of a permission type (JSON prints it).
fn perm_number(t: PermissionType) -> i32 {
    match t {
        PermissionType::Read => 0,
        PermissionType::Write => 1,
        PermissionType::ReadWrite => 2,
    }
}

/// Runs an auth, user or role command.
pub(crate) fn run(con: &mut Console, p: &Parsed) -> Exec {
    let a = &p.args;
    // Argument checks come before the client, as in etcdctl.
    let need = |n: usize, msg: &str| if a.len() != n { Some(bad_args(msg)) } else { None };
    let check = match p.path.as_str() {
        "auth enable" => {
            (!a.is_empty()).then(|| bad_args("auth enable command does not accept any arguments"))
        }
        "auth disable" => {
            (!a.is_empty()).then(|| bad_args("auth disable command does not accept any arguments"))
        }
        "auth status" => {
            (!a.is_empty()).then(|| bad_args("auth status command does not accept any arguments"))
        }
        "user add" => need(1, "user add command requires user name as its argument"),
        "user delete" => need(1, "user delete command requires user name as its argument"),
        "user get" => need(1, "user get command requires user name as its argument"),
        "user list" => (!a.is_empty()).then(|| bad_args("user list command requires no arguments")),
        "user passwd" => need(1, "user passwd command requires user name as its argument"),
        "user grant-role" => need(2, "user grant command requires user name and role name as its argument"),
        "user revoke-role" => need(2, "user revoke-role requires user name and role name as its argument"),
        "role add" => need(1, "role add command requires role name as its argument"),
        "role delete" => need(1, "role delete command requires role name as its argument"),
        "role get" => need(1, "role get command requires role name as its argument"),
        "role list" => (!a.is_empty()).then(|| bad_args("role list command requires no arguments")),
        "role grant-permission" => (a.len() < 3).then(|| {
            bad_args(
                "role grant command requires role name, permission type, and key [endkey] as its argument",
            )
        }),
        "role revoke-permission" => (a.len() < 2).then(|| {
            bad_args("role revoke-permission command requires role name and key [endkey] as its argument")
        }),
        _ => None,
    };
    if let Some(e) = check {
        return e;
    }
    // The permission's range is checked before the client, too.
    let range = match p.path.as_str() {
        "role grant-permission" => grant_perm_arg(p).err(),
        "role revoke-permission" => revoke_range(p).err(),
        _ => None,
    };
    if let Some(e) = range {
        return e;
    }
    // The new password is read before the client is made (and asks for its own).
    let user_pw = match p.path.as_str() {
        "user add" => user_add_arg(con, p),
        "user passwd" => read_password(con, p.bool("interactive"), &a[0]).map(|pw| (a[0].clone(), Some(pw))),
        _ => return sim::run(con, p, None),
    };
    match user_pw {
        Ok(u) => sim::run(con, p, Some(u)),
        Err(e) => e,
    }
}

/// `role grant-permission ROLE TYPE KEY [END] [--prefix|--from-key]`'s permission.
fn grant_perm_arg(p: &Parsed) -> Result<Permission, Exec> {
    let a = &p.args;
    let Some(perm_type) = parse_perm_type(&a[1]) else {
        return Err(bad_args(format!("invalid permission type: {}", a[1])));
    };
    let (key, range_end) = perm_range(p, &a[2..])?;
    Ok(Permission { perm_type, key, range_end })
}

/// `role revoke-permission ROLE KEY [END] [--prefix|--from-key]`'s key and range end.
fn revoke_range(p: &Parsed) -> Result<(Vec<u8>, Vec<u8>), Exec> {
    perm_range(p, &p.args[1..])
}

/// etcdctl's `permRange`: the key and range end of `KEY [END]` with
/// `--prefix`/`--from-key`. An empty key stands for the whole key space
/// (`\0`, open ended with either flag; an END after it is ignored).
fn perm_range(p: &Parsed, args: &[String]) -> Result<(Vec<u8>, Vec<u8>), Exec> {
    let (prefix, from_key) = (p.bool("prefix"), p.bool("from-key"));
    let exclusive = || bad_args("--from-key and --prefix flags are mutually exclusive");
    let key = args[0].clone().into_bytes();
    if key.is_empty() {
        if prefix && from_key {
            return Err(exclusive());
        }
        let end = if prefix || from_key { vec![0] } else { Vec::new() };
        return Ok((vec![0], end));
    }
    let end = match args.get(1) {
        None if prefix && from_key => return Err(exclusive()),
        None if prefix => prefix_end(&key),
        None if from_key => vec![0],
        None => Vec::new(),
        Some(_) if prefix => return Err(bad_args("unexpected endkey argument with --prefix flag")),
        Some(_) if from_key => return Err(bad_args("unexpected endkey argument with --from-key flag")),
        Some(e) => e.clone().into_bytes(),
    };
    Ok((key, end))
}

fn revoked_text(p: &Parsed, range_end: &[u8]) -> String {
    let a = &p.args;
    if range_end.is_empty() {
        format!("Permission of key {} is revoked from role {}\n", a[1], a[0])
    } else if range_end == [0] {
        format!("Permission of range [{}, <open ended> is revoked from role {}\n", a[1], a[0])
    } else {
        format!(
            "Permission of range [{}, {}) is revoked from role {}\n",
            a[1],
            String::from_utf8_lossy(range_end),
            a[0]
        )
    }
}

/// `user add`'s name and password (`None`: `--no-password`).
fn user_add_arg(con: &mut Console, p: &Parsed) -> Result<(String, Option<String>), Exec> {
    let a = &p.args;
    // etcdctl's order: --no-password, a non-empty --new-user-password, NAME:PASSWORD, then a prompt.
    Ok(if p.bool("no-password") {
        (a[0].clone(), None)
    } else if !p.get("new-user-password").is_empty() {
        (a[0].clone(), Some(p.get("new-user-password").to_string()))
    } else if let Some((n, pw)) = a[0].split_once(':') {
        if n.is_empty() {
            return Err(bad_args("empty user name is not allowed"));
        }
        (n.to_string(), Some(pw.to_string()))
    } else {
        (a[0].clone(), Some(read_password(con, p.bool("interactive"), &a[0])?))
    })
}

fn list_text(header: &ResponseHeader, conn: &Conn, field: &str, names: &[String]) -> String {
    match conn.format() {
        Format::Fields if field == "roles" => {
            let mut s = String::new();
            crate::printers::fields::header(&mut s, header);
            s.push_str("\"Roles\" :");
            for n in names {
                s.push_str(&format!(" {n:?}"));
            }
            s.push('\n');
            s
        }
        Format::Json => format!(
            "{}\n",
            json::Obj::new()
                .raw("header", json::header(header))
                .arr(field, names.iter().map(|n| json::string(n)).collect())
                .end()
        ),
        _ => names.iter().map(|n| format!("{n}\n")).collect(),
    }
}

/// `role get`'s text.
fn role_text(role: &str, perms: &[Permission]) -> String {
    let line = |pm: &Permission| {
        let k = String::from_utf8_lossy(&pm.key).into_owned();
        if pm.range_end.is_empty() {
            format!("\t{k}\n")
        } else if pm.range_end == [0] {
            format!("\t[{k}, <open ended>\n")
        } else {
            let e = String::from_utf8_lossy(&pm.range_end).into_owned();
            if pm.range_end == prefix_end(&pm.key) {
                format!("\t[{k}, {e}) (prefix {k})\n")
            } else {
                format!("\t[{k}, {e})\n")
            }
        }
    };
    let mut s = format!("Role {role}\nKV Read:\n");
    for pm in perms.iter().filter(|p| p.perm_type != PermissionType::Write) {
        s.push_str(&line(pm));
    }
    s.push_str("KV Write:\n");
    for pm in perms.iter().filter(|p| p.perm_type != PermissionType::Read) {
        s.push_str(&line(pm));
    }
    s
}

/// `user add`'s and `user passwd`'s new password: `fmt.Scanf("%s")` with
/// `--interactive=false`, else etcdctl's readPasswordInteractive (asked
/// twice; an empty or a mistyped one refused).
fn read_password(con: &mut Console, interactive: bool, user: &str) -> Result<String, Exec> {
    if !interactive {
        return Ok(con.scan_word());
    }
    let first = con.ask_password(&format!("Password of {user}: "));
    if first.is_empty() {
        return Err(bad_args("empty password"));
    }
    let again = con.ask_password(&format!("Type password of {user} again for confirmation: "));
    if first != again {
        return Err(bad_args("given passwords are different"));
    }
    Ok(first)
}
