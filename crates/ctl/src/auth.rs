//! The cluster's auth store: users, roles, key permissions and the auth revision, with etcd's error texts.
//!
//! This is the playground's model of etcd's `server/auth/store.go` until the
//! simulated member (crates/server) carries auth itself.

use std::collections::{BTreeMap, BTreeSet};

/// A permission type, as etcd names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PermType {
    /// `READ`.
    Read,
    /// `WRITE`.
    Write,
    /// `READWRITE`.
    ReadWrite,
}

impl PermType {
    /// Parses etcdctl's spelling (case-insensitive).
    pub fn parse(s: &str) -> Option<PermType> {
        match s.to_ascii_lowercase().as_str() {
            "read" => Some(PermType::Read),
            "write" => Some(PermType::Write),
            "readwrite" => Some(PermType::ReadWrite),
            _ => None,
        }
    }

    /// The protobuf enum number (JSON prints it).
    pub fn number(self) -> i32 {
        match self {
            PermType::Read => 0,
            PermType::Write => 1,
            PermType::ReadWrite => 2,
        }
    }

    /// The protobuf enum name.
    pub fn name(self) -> &'static str {
        match self {
            PermType::Read => "READ",
            PermType::Write => "WRITE",
            PermType::ReadWrite => "READWRITE",
        }
    }
}

/// One key permission of a role.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Perm {
    /// The permission type.
    pub perm_type: PermType,
    /// The key, or the start of the range.
    pub key: Vec<u8>,
    /// The end of the range (empty: the key alone; `\0`: every key from `key`).
    pub range_end: Vec<u8>,
}

/// A user.
#[derive(Clone, Debug, Default)]
pub struct User {
    /// The password (`None`: `--no-password`).
    pub password: Option<String>,
    /// Granted roles.
    pub roles: BTreeSet<String>,
}

/// Everything auth knows.
#[derive(Clone, Debug)]
pub struct AuthStore {
    /// Whether auth is on.
    pub enabled: bool,
    /// Bumped by every change of users and roles.
    pub revision: u64,
    /// Users by name.
    pub users: BTreeMap<String, User>,
    /// Roles and their permissions.
    pub roles: BTreeMap<String, Vec<Perm>>,
}

impl Default for AuthStore {
    fn default() -> Self {
        AuthStore { enabled: false, revision: 1, users: BTreeMap::new(), roles: BTreeMap::new() }
    }
}

/// etcd's auth errors (gRPC code, message).
pub mod err {
    /// `etcdserver: user name is empty`.
    pub const USER_EMPTY: (&str, &str) = ("InvalidArgument", "etcdserver: user name is empty");
    /// `etcdserver: user name already exists`.
    pub const USER_EXISTS: (&str, &str) = ("FailedPrecondition", "etcdserver: user name already exists");
    /// `etcdserver: user name not found`.
    pub const USER_NOT_FOUND: (&str, &str) = ("FailedPrecondition", "etcdserver: user name not found");
    /// `etcdserver: role name already exists`.
    pub const ROLE_EXISTS: (&str, &str) = ("FailedPrecondition", "etcdserver: role name already exists");
    /// `etcdserver: role name not found`.
    pub const ROLE_NOT_FOUND: (&str, &str) = ("FailedPrecondition", "etcdserver: role name not found");
    /// `etcdserver: role name is empty`.
    pub const ROLE_EMPTY: (&str, &str) = ("InvalidArgument", "etcdserver: role name is empty");
    /// `etcdserver: role is not granted to the user`.
    pub const ROLE_NOT_GRANTED: (&str, &str) =
        ("FailedPrecondition", "etcdserver: role is not granted to the user");
    /// `etcdserver: permission is not granted to the role`.
    pub const PERM_NOT_GRANTED: (&str, &str) =
        ("FailedPrecondition", "etcdserver: permission is not granted to the role");
    /// `etcdserver: root user does not exist`.
    pub const ROOT_USER_MISSING: (&str, &str) =
        ("FailedPrecondition", "etcdserver: root user does not exist");
    /// `etcdserver: root user does not have root role`.
    pub const ROOT_ROLE_MISSING: (&str, &str) =
        ("FailedPrecondition", "etcdserver: root user does not have root role");
    /// `etcdserver: authentication failed, invalid user ID or password`.
    pub const AUTH_FAILED: (&str, &str) =
        ("InvalidArgument", "etcdserver: authentication failed, invalid user ID or password");
    /// `etcdserver: permission denied`.
    pub const DENIED: (&str, &str) = ("PermissionDenied", "etcdserver: permission denied");
    /// `etcdserver: invalid auth management`.
    pub const INVALID_MGMT: (&str, &str) = ("InvalidArgument", "etcdserver: invalid auth management");
}

/// An auth error: (gRPC code, etcd message).
pub type AuthError = (&'static str, &'static str);

impl AuthStore {
    /// `auth enable`.
    pub fn enable(&mut self) -> Result<(), AuthError> {
        let root = self.users.get("root").ok_or(err::ROOT_USER_MISSING)?;
        if !root.roles.contains("root") {
            return Err(err::ROOT_ROLE_MISSING);
        }
        self.enabled = true;
        Ok(())
    }

    /// `auth disable`.
    pub fn disable(&mut self) {
        self.enabled = false;
    }

    /// Checks a user's password (`authenticate`).
    pub fn authenticate(&self, name: &str, password: &str) -> Result<(), AuthError> {
        match self.users.get(name) {
            Some(u) if u.password.as_deref() == Some(password) => Ok(()),
            _ => Err(err::AUTH_FAILED),
        }
    }

    /// `user add`.
    pub fn user_add(&mut self, name: &str, password: Option<String>) -> Result<(), AuthError> {
        if name.is_empty() {
            return Err(err::USER_EMPTY);
        }
        if self.users.contains_key(name) {
            return Err(err::USER_EXISTS);
        }
        self.users.insert(name.to_string(), User { password, roles: BTreeSet::new() });
        self.revision += 1;
        Ok(())
    }

    /// `user delete`.
    pub fn user_delete(&mut self, name: &str) -> Result<(), AuthError> {
        if self.enabled && name == "root" {
            return Err(err::INVALID_MGMT);
        }
        self.users.remove(name).ok_or(err::USER_NOT_FOUND)?;
        self.revision += 1;
        Ok(())
    }

    /// `user passwd`.
    pub fn user_passwd(&mut self, name: &str, password: String) -> Result<(), AuthError> {
        let u = self.users.get_mut(name).ok_or(err::USER_NOT_FOUND)?;
        u.password = Some(password);
        self.revision += 1;
        Ok(())
    }

    /// `user grant-role`.
    pub fn grant_role(&mut self, user: &str, role: &str) -> Result<(), AuthError> {
        if role != "root" && !self.roles.contains_key(role) {
            return Err(err::ROLE_NOT_FOUND);
        }
        let u = self.users.get_mut(user).ok_or(err::USER_NOT_FOUND)?;
        if u.roles.insert(role.to_string()) {
            self.revision += 1;
        }
        Ok(())
    }

    /// `user revoke-role`.
    pub fn revoke_role(&mut self, user: &str, role: &str) -> Result<(), AuthError> {
        if self.enabled && user == "root" && role == "root" {
            return Err(err::INVALID_MGMT);
        }
        let u = self.users.get_mut(user).ok_or(err::USER_NOT_FOUND)?;
        if !u.roles.remove(role) {
            return Err(err::ROLE_NOT_GRANTED);
        }
        self.revision += 1;
        Ok(())
    }

    /// `role add`.
    pub fn role_add(&mut self, name: &str) -> Result<(), AuthError> {
        if name.is_empty() {
            return Err(err::ROLE_EMPTY);
        }
        if self.roles.contains_key(name) {
            return Err(err::ROLE_EXISTS);
        }
        self.roles.insert(name.to_string(), Vec::new());
        self.revision += 1;
        Ok(())
    }

    /// `role delete`.
    pub fn role_delete(&mut self, name: &str) -> Result<(), AuthError> {
        if self.enabled && name == "root" {
            return Err(err::INVALID_MGMT);
        }
        self.roles.remove(name).ok_or(err::ROLE_NOT_FOUND)?;
        for u in self.users.values_mut() {
            u.roles.remove(name);
        }
        self.revision += 1;
        Ok(())
    }

    /// `role grant-permission`.
    pub fn grant_perm(&mut self, role: &str, perm: Perm) -> Result<(), AuthError> {
        let perms = self.roles.get_mut(role).ok_or(err::ROLE_NOT_FOUND)?;
        match perms.iter_mut().find(|p| p.key == perm.key && p.range_end == perm.range_end) {
            Some(p) => p.perm_type = perm.perm_type,
            None => perms.push(perm),
        }
        perms.sort_by(|a, b| (&a.key, &a.range_end).cmp(&(&b.key, &b.range_end)));
        self.revision += 1;
        Ok(())
    }

    /// `role revoke-permission`.
    pub fn revoke_perm(&mut self, role: &str, key: &[u8], range_end: &[u8]) -> Result<(), AuthError> {
        let perms = self.roles.get_mut(role).ok_or(err::ROLE_NOT_FOUND)?;
        let before = perms.len();
        perms.retain(|p| !(p.key == key && p.range_end == range_end));
        if perms.len() == before {
            return Err(err::PERM_NOT_GRANTED);
        }
        self.revision += 1;
        Ok(())
    }

    /// Whether `user` is root (has the root role).
    pub fn is_admin(&self, user: &str) -> bool {
        self.users.get(user).is_some_and(|u| u.roles.contains("root"))
    }

    /// Whether `user` may read (`write == false`) or write `[key, range_end)`.
    pub fn allowed(&self, user: &str, key: &[u8], range_end: &[u8], write: bool) -> bool {
        if !self.enabled || self.is_admin(user) {
            return true;
        }
        let Some(u) = self.users.get(user) else { return false };
        u.roles.iter().filter_map(|r| self.roles.get(r)).flatten().any(|p| {
            let kind_ok = match p.perm_type {
                PermType::ReadWrite => true,
                PermType::Read => !write,
                PermType::Write => write,
            };
            kind_ok && covers(p, key, range_end)
        })
    }
}

/// Whether a permission covers the request range `[key, range_end)`.
fn covers(p: &Perm, key: &[u8], range_end: &[u8]) -> bool {
    if p.range_end.is_empty() {
        return range_end.is_empty() && p.key == key;
    }
    if key < p.key.as_slice() {
        return false;
    }
    if p.range_end == [0] {
        return true;
    }
    if range_end.is_empty() {
        return key < p.range_end.as_slice();
    }
    if range_end == [0] {
        return false;
    }
    range_end <= p.range_end.as_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_needs_root() {
        let mut a = AuthStore::default();
        assert_eq!(a.enable(), Err(err::ROOT_USER_MISSING));
        a.user_add("root", Some("pw".into())).unwrap();
        assert_eq!(a.enable(), Err(err::ROOT_ROLE_MISSING));
        a.grant_role("root", "root").unwrap();
        a.enable().unwrap();
        assert_eq!(a.revision, 3);
    }

    #[test]
    fn permissions() {
        let mut a = AuthStore::default();
        a.user_add("root", Some("r".into())).unwrap();
        a.grant_role("root", "root").unwrap();
        a.user_add("alice", Some("a".into())).unwrap();
        a.role_add("reader").unwrap();
        a.grant_perm(
            "reader",
            Perm { perm_type: PermType::Read, key: b"foo".to_vec(), range_end: b"fop".to_vec() },
        )
        .unwrap();
        a.grant_role("alice", "reader").unwrap();
        a.enable().unwrap();
        assert!(a.allowed("alice", b"foo1", b"", false));
        assert!(!a.allowed("alice", b"foo1", b"", true));
        assert!(!a.allowed("alice", b"zoo", b"", false));
        assert!(a.allowed("root", b"zoo", b"", true));
        assert_eq!(a.authenticate("alice", "x"), Err(err::AUTH_FAILED));
    }
}
