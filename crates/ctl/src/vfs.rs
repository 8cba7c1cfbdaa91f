//! A small virtual filesystem: the files commands read and write (snapshots, certificates, data dirs).
//!
//! Paths are normalised against the working directory `/root`; directories exist
//! implicitly when a file below them exists, or explicitly when created (a
//! restored data dir). Nothing touches the real disk.

use std::collections::{BTreeMap, BTreeSet};

/// The working directory every relative path starts from.
pub const HOME: &str = "/root";

/// Directories that exist from the start.
pub const BASE_DIRS: [&str; 9] =
    ["/", "/root", "/tmp", "/etc", "/var", "/var/lib", "/home", "/opt", "/var/backups"];

/// The virtual filesystem.
#[derive(Clone, Debug, Default)]
pub struct Vfs {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
}

impl Vfs {
    /// An empty filesystem.
    pub fn new() -> Self {
        Vfs::default()
    }

    /// The absolute, normalised form of `path`.
    pub fn resolve(path: &str) -> String {
        let joined = if path.starts_with('/') { path.to_string() } else { format!("{HOME}/{path}") };
        let mut parts: Vec<&str> = Vec::new();
        for p in joined.split('/') {
            match p {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                p => parts.push(p),
            }
        }
        format!("/{}", parts.join("/"))
    }

    /// The contents of a file.
    pub fn read(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&Vfs::resolve(path)).map(Vec::as_slice)
    }

    /// Creates or replaces a file.
    pub fn write(&mut self, path: &str, bytes: Vec<u8>) {
        self.files.insert(Vfs::resolve(path), bytes);
    }

    /// Creates a directory.
    pub fn mkdir(&mut self, path: &str) {
        self.dirs.insert(Vfs::resolve(path));
    }

    /// Whether anything (file or directory) exists at `path`.
    pub fn exists(&self, path: &str) -> bool {
        let p = Vfs::resolve(path);
        self.files.contains_key(&p) || self.is_dir(&p)
    }

    /// Whether the directory holding `path` exists (files can only be created there).
    pub fn parent_exists(&self, path: &str) -> bool {
        let p = Vfs::resolve(path);
        let parent = match p.rfind('/') {
            Some(0) | None => "/".to_string(),
            Some(i) => p[..i].to_string(),
        };
        BASE_DIRS.contains(&parent.as_str()) || self.is_dir(&parent)
    }

    /// Whether `path` is a directory.
    pub fn is_dir(&self, path: &str) -> bool {
        let p = Vfs::resolve(path);
        if BASE_DIRS.contains(&p.as_str()) || self.dirs.contains(&p) {
            return true;
        }
        let prefix = format!("{p}/");
        self.files.keys().any(|k| k.starts_with(&prefix)) || self.dirs.iter().any(|d| d.starts_with(&prefix))
    }

    /// Removes a file, or a directory and everything below it when `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), String> {
        let p = Vfs::resolve(path);
        if self.files.remove(&p).is_some() {
            return Ok(());
        }
        if self.is_dir(&p) {
            if !recursive {
                return Err(format!("rm: cannot remove '{path}': Is a directory"));
            }
            let prefix = format!("{p}/");
            self.files.retain(|k, _| !k.starts_with(&prefix));
            self.dirs.retain(|d| d != &p && !d.starts_with(&prefix));
            return Ok(());
        }
        Err(format!("rm: cannot remove '{path}': No such file or directory"))
    }

    /// The names directly inside directory `path`, sorted, directories with a trailing `/`.
    pub fn list(&self, path: &str) -> Option<Vec<String>> {
        let p = Vfs::resolve(path);
        if !self.is_dir(&p) {
            return None;
        }
        let prefix = if p == "/" { "/".to_string() } else { format!("{p}/") };
        let mut names = BTreeSet::new();
        let all = self.files.keys().map(|k| (k, false)).chain(self.dirs.iter().map(|d| (d, true)));
        for (k, is_dir) in all {
            if let Some(rest) = k.strip_prefix(&prefix) {
                match rest.split_once('/') {
                    Some((first, _)) => names.insert(format!("{first}/")),
                    None if is_dir => names.insert(format!("{rest}/")),
                    None if !rest.is_empty() => names.insert(rest.to_string()),
                    None => false,
                };
            }
        }
        Some(names.into_iter().collect())
    }

    /// Every file path, sorted (for completion).
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_dirs() {
        let mut v = Vfs::new();
        v.write("snap.db", b"x".to_vec());
        v.write("/etc/kubernetes/pki/etcd/ca.crt", b"c".to_vec());
        assert_eq!(v.read("/root/snap.db"), Some(&b"x"[..]));
        assert_eq!(v.read("./snap.db"), Some(&b"x"[..]));
        assert!(v.is_dir("/etc/kubernetes"));
        assert_eq!(v.list("/etc/kubernetes/pki").unwrap(), ["etcd/"]);
        assert_eq!(v.list(".").unwrap(), ["snap.db"]);
        v.mkdir("restored/member");
        assert!(v.exists("restored"));
        assert!(v.remove("restored", false).is_err());
        v.remove("restored", true).unwrap();
        assert!(!v.exists("restored"));
        assert!(v.remove("nope", false).is_err());
    }
}
