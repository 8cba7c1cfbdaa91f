//! Authentication and authorization (etcd's `auth.authStore`): users with
//! hashed passwords, roles with key-range permissions, the root user and
//! role, enable/disable, simple tokens, and the permission checks made for
//! every request once auth is enabled.
//!
//! The auth revision starts at 1, as etcd's `NewAuthStore` leaves it; every
//! change but `auth enable` (and a grant the user already has) bumps it; a token remembers the revision it
//! was issued at and requests carrying an older one fail with
//! `etcdserver: revision of auth store is old`, as in etcd.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use slim::VecMap;

use crate::error::{Error, Result};
use crate::request::{AuthRequest, Permission, PermissionType};
use crate::response::{AuthResponse, AuthStatusResponse};

/// The root user and role.
pub const ROOT: &str = "root";

/// Who sent a request: the user and the auth revision of its token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthInfo {
    /// The user name.
    pub user: String,
    /// The auth revision the token was issued at.
    pub revision: u64,
}

/// One user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The password's hash (empty with `--no-password`).
    pub password_hash: String,
    /// Roles, sorted.
    pub roles: Vec<String>,
    /// Created with `--no-password`.
    pub no_password: bool,
}

/// The auth store of one member (replicated through raft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthStore {
    enabled: bool,
    revision: u64,
    users: VecMap<String, User>,
    roles: VecMap<String, Vec<Permission>>,
    /// Simple tokens, like etcd's in memory only: lost on restart.
    #[serde(skip)]
    tokens: BTreeMap<String, AuthInfo>,
}

wire::record!(User { password_hash, roles, no_password });

/// The replicated part: tokens are this member's and are not written.
impl wire::Encode for AuthStore {
    fn encode(&self, out: &mut Vec<u8>) {
        (self.enabled, self.revision, &self.users, &self.roles).encode(out);
    }
}

impl wire::Decode for AuthStore {
    fn decode(r: &mut wire::Reader<'_>) -> wire::Result<Self> {
        let (enabled, revision, users, roles) = wire::Decode::decode(r)?;
        Ok(AuthStore { enabled, revision, users, roles, tokens: BTreeMap::new() })
    }
}

impl Default for AuthStore {
    /// An empty store at auth revision 1: etcd's `NewAuthStore` commits
    /// revision 1 when the backend has none.
    fn default() -> Self {
        AuthStore {
            enabled: false,
            revision: 1,
            users: VecMap::new(),
            roles: VecMap::new(),
            tokens: BTreeMap::new(),
        }
    }
}

/// The hash a password is stored as (etcd uses bcrypt; a salted sha256
/// keeps this pure and fast).
pub fn hash_password(user: &str, password: &str) -> String {
    let d = Sha256::digest(format!("etcd-playground\0{user}\0{password}").as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

impl AuthStore {
    /// Whether auth is enabled.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The auth revision.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The user of a token (`Ok(None)` when auth is disabled or no token
    /// was given; an unknown token is `etcdserver: invalid auth token`).
    pub fn auth_info(&self, token: Option<&str>) -> Result<Option<AuthInfo>> {
        if !self.enabled {
            return Ok(None);
        }
        match token {
            None => Ok(None),
            Some(t) => self.tokens.get(t).cloned().map(Some).ok_or(Error::InvalidAuthToken),
        }
    }

    /// etcd's `CheckPassword`, made before an Authenticate is proposed.
    pub fn check_password(&self, name: &str, password: &str) -> Result<()> {
        if !self.enabled {
            return Err(Error::AuthNotEnabled);
        }
        let u = self.users.get(name).ok_or(Error::AuthFailed)?;
        if u.no_password || u.password_hash != hash_password(name, password) {
            return Err(Error::AuthFailed);
        }
        Ok(())
    }

    /// Applies an Authenticate: issues `token` to `name`.
    pub fn authenticate(&mut self, name: &str, password_hash: &str, token: String) -> Result<String> {
        if !self.enabled {
            return Err(Error::AuthNotEnabled);
        }
        let u = self.users.get(name).ok_or(Error::AuthFailed)?;
        if u.no_password || u.password_hash != password_hash {
            return Err(Error::AuthFailed);
        }
        self.tokens.insert(token.clone(), AuthInfo { user: name.to_string(), revision: self.revision });
        Ok(token)
    }

    fn has_root_role(&self, user: &str) -> bool {
        self.users.get(user).is_some_and(|u| u.roles.iter().any(|r| r == ROOT))
    }

    fn check_info<'a>(&self, info: Option<&'a AuthInfo>) -> Result<&'a AuthInfo> {
        let info = info.filter(|i| !i.user.is_empty()).ok_or(Error::UserEmpty)?;
        if info.revision < self.revision {
            return Err(Error::AuthOldRevision);
        }
        Ok(info)
    }

    /// etcd's `requireAuthInfo`: with auth on, some user must be logged in.
    pub fn require_user(&self, info: Option<&AuthInfo>) -> Result<()> {
        if self.enabled && info.is_none_or(|i| i.user.is_empty()) {
            return Err(Error::UserEmpty);
        }
        Ok(())
    }

    /// etcd's `IsAdminPermitted`: auth disabled, or a user with the root role.
    pub fn check_admin(&self, info: Option<&AuthInfo>) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        let info = info.filter(|i| !i.user.is_empty()).ok_or(Error::UserEmpty)?;
        if !self.users.contains_key(&info.user) || !self.has_root_role(&info.user) {
            return Err(Error::PermissionDenied);
        }
        Ok(())
    }

    /// etcd's `isOpPermitted` for a key or range and a read or a write.
    pub fn check(&self, info: Option<&AuthInfo>, key: &[u8], range_end: &[u8], write: bool) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        let info = self.check_info(info)?;
        let Some(user) = self.users.get(&info.user) else { return Err(Error::PermissionDenied) };
        if self.has_root_role(&info.user) {
            return Ok(());
        }
        let mut granted: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        for role in &user.roles {
            for p in self.roles.get(role).into_iter().flatten() {
                let ok = match p.perm_type {
                    PermissionType::ReadWrite => true,
                    PermissionType::Read => !write,
                    PermissionType::Write => write,
                };
                if ok {
                    granted.push((p.key.clone(), end_of(&p.key, &p.range_end)));
                }
            }
        }
        if covered(&granted, key, end_of(key, range_end)) { Ok(()) } else { Err(Error::PermissionDenied) }
    }

    fn bump(&mut self) {
        self.revision += 1;
    }

    /// Applies an Auth request (passwords already hashed by the member).
    /// `info` is who asked; admin rights are checked here, as etcd's auth
    /// applier does.
    pub fn apply(&mut self, req: &AuthRequest, info: Option<&AuthInfo>) -> Result<AuthResponse> {
        match req {
            AuthRequest::Status => return Ok(self.status()),
            AuthRequest::UserGet { name } => {
                if self.check_admin(info).is_err() && info.is_none_or(|i| &i.user != name) {
                    self.check_admin(info)?;
                }
                let u = self.users.get(name).ok_or(Error::UserNotFound)?;
                return Ok(AuthResponse::UserGet { roles: u.roles.clone() });
            }
            AuthRequest::RoleGet { role } => {
                let own =
                    info.is_some_and(|i| self.users.get(&i.user).is_some_and(|u| u.roles.contains(role)));
                if !own {
                    self.check_admin(info)?;
                }
                let perm = self.roles.get(role).ok_or(Error::RoleNotFound)?;
                return Ok(AuthResponse::RoleGet { perm: perm.clone() });
            }
            _ => self.check_admin(info)?,
        }
        match req {
            AuthRequest::Enable => {
                if self.enabled {
                    return Ok(AuthResponse::Ok);
                }
                let root = self.users.get(ROOT).ok_or(Error::RootUserNotExist)?;
                if !root.roles.iter().any(|r| r == ROOT) {
                    return Err(Error::RootRoleNotExist);
                }
                // etcd's AuthEnable reads the revision, it does not bump it
                // (AuthDisable does).
                self.enabled = true;
            }
            AuthRequest::Disable => {
                if self.enabled {
                    self.enabled = false;
                    self.tokens.clear();
                    self.bump();
                }
            }
            AuthRequest::UserAdd { name, password, no_password } => {
                if name.is_empty() {
                    return Err(Error::UserEmpty);
                }
                if self.users.contains_key(name) {
                    return Err(Error::UserAlreadyExist);
                }
                let password_hash = if *no_password { String::new() } else { password.clone() };
                self.users.insert(
                    name.clone(),
                    User { password_hash, roles: Vec::new(), no_password: *no_password },
                );
                self.bump();
            }
            AuthRequest::UserDelete { name } => {
                if self.enabled && name == ROOT {
                    return Err(Error::InvalidAuthMgmt);
                }
                self.users.remove(name).ok_or(Error::UserNotFound)?;
                self.tokens.retain(|_, i| &i.user != name);
                self.bump();
            }
            AuthRequest::UserChangePassword { name, password } => {
                let u = self.users.get_mut(name).ok_or(Error::UserNotFound)?;
                if !u.no_password {
                    u.password_hash = password.clone();
                }
                self.tokens.retain(|_, i| &i.user != name);
                self.bump();
            }
            AuthRequest::UserGrantRole { user, role } => {
                if !self.users.contains_key(user) {
                    return Err(Error::UserNotFound);
                }
                if role != ROOT && !self.roles.contains_key(role) {
                    return Err(Error::RoleNotFound);
                }
                if let Some(u) = self.users.get_mut(user)
                    && !u.roles.contains(role)
                {
                    u.roles.push(role.clone());
                    slim::sort(&mut u.roles);
                    self.bump();
                }
            }
            AuthRequest::UserRevokeRole { name, role } => {
                if self.enabled && name == ROOT && role == ROOT {
                    return Err(Error::InvalidAuthMgmt);
                }
                let u = self.users.get_mut(name).ok_or(Error::UserNotFound)?;
                let before = u.roles.len();
                u.roles.retain(|r| r != role);
                if u.roles.len() == before {
                    return Err(Error::RoleNotGranted);
                }
                self.bump();
            }
            AuthRequest::RoleAdd { name } => {
                if name.is_empty() {
                    return Err(Error::RoleEmpty);
                }
                if self.roles.contains_key(name) {
                    return Err(Error::RoleAlreadyExist);
                }
                self.roles.insert(name.clone(), Vec::new());
                self.bump();
            }
            AuthRequest::RoleDelete { role } => {
                if self.enabled && role == ROOT {
                    return Err(Error::InvalidAuthMgmt);
                }
                self.roles.remove(role).ok_or(Error::RoleNotFound)?;
                for u in self.users.values_mut() {
                    u.roles.retain(|r| r != role);
                }
                self.bump();
            }
            AuthRequest::RoleGrantPermission { name, perm } => {
                let perm = perm.as_ref().ok_or(Error::PermissionNotGiven)?;
                if !valid_range(&perm.key, &perm.range_end) {
                    return Err(Error::InvalidAuthMgmt);
                }
                let perms = self.roles.get_mut(name).ok_or(Error::RoleNotFound)?;
                match perms.iter_mut().find(|p| p.key == perm.key && p.range_end == perm.range_end) {
                    Some(p) => p.perm_type = perm.perm_type,
                    None => {
                        perms.push(perm.clone());
                        slim::sort_by(perms, |a, b| a.key.cmp(&b.key));
                    }
                }
                self.bump();
            }
            AuthRequest::RoleRevokePermission { role, key, range_end } => {
                let perms = self.roles.get_mut(role).ok_or(Error::RoleNotFound)?;
                let before = perms.len();
                perms.retain(|p| !(&p.key == key && &p.range_end == range_end));
                if perms.len() == before {
                    return Err(Error::PermissionNotGranted);
                }
                self.bump();
            }
            AuthRequest::UserList => {
                return Ok(AuthResponse::UserList { users: self.users.keys().cloned().collect() });
            }
            AuthRequest::RoleList => {
                return Ok(AuthResponse::RoleList { roles: self.roles.keys().cloned().collect() });
            }
            AuthRequest::Status | AuthRequest::UserGet { .. } | AuthRequest::RoleGet { .. } => {}
        }
        Ok(AuthResponse::Ok)
    }

    /// `auth status`.
    pub fn status(&self) -> AuthResponse {
        AuthResponse::Status(AuthStatusResponse { enabled: self.enabled, auth_revision: self.revision })
    }
}

/// `range_end` as an exclusive bound: `None` is "to the end of the key
/// space" (`"\0"`); an empty end is the single key.
fn end_of(key: &[u8], range_end: &[u8]) -> Option<Vec<u8>> {
    if range_end == [0] {
        None
    } else if range_end.is_empty() {
        let mut k = key.to_vec();
        k.push(0);
        Some(k)
    } else {
        Some(range_end.to_vec())
    }
}

/// etcd's `isValidPermissionRange`: an empty key, or an end after the key.
fn valid_range(key: &[u8], range_end: &[u8]) -> bool {
    if key.is_empty() {
        return false;
    }
    range_end.is_empty() || range_end == [0] || key < range_end
}

/// Whether the union of `granted` intervals covers `[key, end)`.
fn covered(granted: &[(Vec<u8>, Option<Vec<u8>>)], key: &[u8], end: Option<Vec<u8>>) -> bool {
    let mut ivs: Vec<&(Vec<u8>, Option<Vec<u8>>)> = granted.iter().collect();
    slim::sort_by(&mut ivs, |a, b| a.0.cmp(&b.0));
    let mut reach: Vec<u8> = key.to_vec();
    for (s, e) in ivs {
        if s.as_slice() > reach.as_slice() {
            break;
        }
        match e {
            None => return true,
            Some(e) if e.as_slice() > reach.as_slice() => reach = e.clone(),
            Some(_) => {}
        }
        if let Some(end) = &end
            && reach.as_slice() >= end.as_slice()
        {
            return true;
        }
    }
    end.is_some_and(|end| reach.as_slice() >= end.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_root() -> AuthStore {
        let mut a = AuthStore::default();
        let hp = hash_password(ROOT, "pw");
        a.apply(&AuthRequest::UserAdd { name: ROOT.into(), password: hp, no_password: false }, None).unwrap();
        a
    }

    #[test]
    fn enable_needs_root_with_root_role() {
        let mut a = AuthStore::default();
        assert_eq!(a.apply(&AuthRequest::Enable, None), Err(Error::RootUserNotExist));
        let mut a2 = store_with_root();
        assert_eq!(a2.apply(&AuthRequest::Enable, None), Err(Error::RootRoleNotExist));
        a2.apply(&AuthRequest::UserGrantRole { user: ROOT.into(), role: ROOT.into() }, None).unwrap();
        a2.apply(&AuthRequest::Enable, None).unwrap();
        assert!(a2.is_enabled());
        assert_eq!(a2.check(None, b"k", b"", false), Err(Error::UserEmpty));
        assert_eq!(a2.check_password(ROOT, "bad"), Err(Error::AuthFailed));
        a2.check_password(ROOT, "pw").unwrap();
        a.apply(&AuthRequest::RoleAdd { name: "r".into() }, None).unwrap();
        assert_eq!(a.apply(&AuthRequest::RoleAdd { name: "r".into() }, None), Err(Error::RoleAlreadyExist));
    }

    /// etcd 3.5: the revision starts at 1, each user/role change adds 1,
    /// `auth enable` and a repeated grant add nothing, `auth disable` adds 1.
    #[test]
    fn revision_counts_as_etcds() {
        let mut a = AuthStore::default();
        assert_eq!(a.revision(), 1);
        assert_eq!(
            a.apply(&AuthRequest::Status, None),
            Ok(AuthResponse::Status(AuthStatusResponse { enabled: false, auth_revision: 1 }))
        );
        let mut a = store_with_root();
        assert_eq!(a.revision(), 2);
        let grant = AuthRequest::UserGrantRole { user: ROOT.into(), role: ROOT.into() };
        a.apply(&grant, None).unwrap();
        a.apply(&grant, None).unwrap();
        assert_eq!(a.revision(), 3);
        a.apply(&AuthRequest::Enable, None).unwrap();
        assert_eq!(a.revision(), 3);
        let root = AuthInfo { user: ROOT.into(), revision: 3 };
        a.apply(&AuthRequest::Disable, Some(&root)).unwrap();
        assert_eq!(a.revision(), 4);
    }

    #[test]
    fn permissions_cover_ranges() {
        let mut a = store_with_root();
        a.apply(&AuthRequest::UserGrantRole { user: ROOT.into(), role: ROOT.into() }, None).unwrap();
        let alice = AuthRequest::UserAdd {
            name: "alice".into(),
            password: hash_password("alice", "a"),
            no_password: false,
        };
        a.apply(&alice, None).unwrap();
        a.apply(&AuthRequest::RoleAdd { name: "r".into() }, None).unwrap();
        let perm =
            Permission { perm_type: PermissionType::Read, key: b"a".to_vec(), range_end: b"c".to_vec() };
        a.apply(&AuthRequest::RoleGrantPermission { name: "r".into(), perm: Some(perm) }, None).unwrap();
        let perm =
            Permission { perm_type: PermissionType::ReadWrite, key: b"c".to_vec(), range_end: b"e".to_vec() };
        a.apply(&AuthRequest::RoleGrantPermission { name: "r".into(), perm: Some(perm) }, None).unwrap();
        a.apply(&AuthRequest::UserGrantRole { user: "alice".into(), role: "r".into() }, None).unwrap();
        a.apply(&AuthRequest::Enable, None).unwrap();
        let tok = a.authenticate("alice", &hash_password("alice", "a"), "t.1".into()).unwrap();
        let info = a.auth_info(Some(&tok)).unwrap();
        let info = info.as_ref();
        assert_eq!(a.check(info, b"b", b"", false), Ok(()));
        assert_eq!(a.check(info, b"a", b"e", false), Ok(()));
        assert_eq!(a.check(info, b"a", b"f", false), Err(Error::PermissionDenied));
        assert_eq!(a.check(info, b"b", b"", true), Err(Error::PermissionDenied));
        assert_eq!(a.check(info, b"d", b"", true), Ok(()));
        assert_eq!(a.apply(&AuthRequest::RoleAdd { name: "x".into() }, info), Err(Error::PermissionDenied));
        assert_eq!(a.auth_info(Some("nope")), Err(Error::InvalidAuthToken));
        assert_eq!(a.apply(&AuthRequest::UserDelete { name: ROOT.into() }, None), Err(Error::UserEmpty));
    }
}
