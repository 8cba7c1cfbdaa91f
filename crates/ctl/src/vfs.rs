//! A small virtual filesystem: the files commands read and write (snapshots, certificates, data dirs).
//!
//! Paths are normalised against the working directory (`/root` until a
//! `cd`); directories exist implicitly when a file below them exists, or
//! explicitly when created (a restored data dir). Nothing touches the real
//! disk.
//!
//! Every change bumps a version, and each path remembers the version that
//! last changed it, so a reader (the page's editor, a kubelet watching
//! `/etc/kubernetes/manifests`) can ask what changed since it last looked:
//!
//! ```text
//!   let mark = vfs.version();          // 7
//!   vfs.write("/etc/x.yaml", ..);      // version 8, /etc/x.yaml changed at 8
//!   vfs.changed_since(mark)            // ["/etc/x.yaml"]  (removals too)
//! ```

use std::collections::{BTreeMap, BTreeSet};

/// The working directory every relative path starts from.
pub const HOME: &str = "/root";

/// Directories that exist from the start.
pub const BASE_DIRS: [&str; 9] =
    ["/", "/root", "/tmp", "/etc", "/var", "/var/lib", "/home", "/opt", "/var/backups"];

/// The virtual filesystem.
#[derive(Clone, Debug)]
pub struct Vfs {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
    /// The working directory relative paths start from.
    cwd: String,
    /// Bumped by every change.
    version: u64,
    /// Each path's last change (a write, a removal, a new directory).
    changed: BTreeMap<String, u64>,
}

impl Default for Vfs {
    fn default() -> Self {
        Vfs {
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            cwd: HOME.to_string(),
            version: 0,
            changed: BTreeMap::new(),
        }
    }
}

impl Vfs {
    /// An empty filesystem.
    pub fn new() -> Self {
        Vfs::default()
    }

    /// The version: it grows with every change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The paths written, removed or created after version `mark`, sorted.
    pub fn changed_since(&self, mark: u64) -> Vec<String> {
        self.changed.iter().filter(|(_, v)| **v > mark).map(|(p, _)| p.clone()).collect()
    }

    fn touch_version(&mut self, path: &str) {
        self.version += 1;
        self.changed.insert(path.to_string(), self.version);
    }

    /// The working directory.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// Changes the working directory (the caller checked it is one).
    pub fn set_cwd(&mut self, path: &str) {
        self.cwd = self.resolve(path);
    }

    /// The absolute, normalised form of `path` from the working directory.
    pub fn resolve(&self, path: &str) -> String {
        Vfs::resolve_in(&self.cwd, path)
    }

    /// The absolute, normalised form of `path` from directory `cwd`.
    pub fn resolve_in(cwd: &str, path: &str) -> String {
        let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
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
        self.files.get(&self.resolve(path)).map(Vec::as_slice)
    }

    /// Creates or replaces a file.
    pub fn write(&mut self, path: &str, bytes: Vec<u8>) {
        let p = self.resolve(path);
        self.touch_version(&p);
        self.files.insert(p, bytes);
    }

    /// Appends to a file, creating it if needed.
    pub fn append(&mut self, path: &str, bytes: &[u8]) {
        let p = self.resolve(path);
        self.touch_version(&p);
        self.files.entry(p).or_default().extend_from_slice(bytes);
    }

    /// Creates a directory.
    pub fn mkdir(&mut self, path: &str) {
        let p = self.resolve(path);
        self.touch_version(&p);
        self.dirs.insert(p);
    }

    /// Whether `path` is a file.
    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(&self.resolve(path))
    }

    /// Every file under directory `path` (relative to it) and every
    /// directory under it (with a trailing `/`), sorted.
    fn below(&self, dir: &str) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let files = self
            .files
            .iter()
            .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|rest| (rest.to_string(), v.clone())))
            .collect();
        let dirs = self.dirs.iter().filter_map(|d| d.strip_prefix(&prefix).map(str::to_string)).collect();
        (files, dirs)
    }

    /// Copies directory `from` and everything below it to `to`.
    pub fn copy_dir(&mut self, from: &str, to: &str) {
        let (from, to) = (self.resolve(from), self.resolve(to));
        let (files, dirs) = self.below(&from);
        self.mkdir(&to);
        for d in dirs {
            self.mkdir(&format!("{to}/{d}"));
        }
        for (rest, bytes) in files {
            self.write(&format!("{to}/{rest}"), bytes);
        }
    }

    /// Moves a file or a directory (with everything below it) to `to`.
    pub fn rename(&mut self, from: &str, to: &str) {
        let (from, to) = (self.resolve(from), self.resolve(to));
        if from == to {
            return;
        }
        if let Some(bytes) = self.files.remove(&from) {
            self.touch_version(&from);
            self.keep_parent(&from);
            self.write(&to, bytes);
            return;
        }
        self.copy_dir(&from, &to);
        let _ = self.remove(&from, true);
    }

    /// Keeps the directory that held `path` when its last entry goes.
    fn keep_parent(&mut self, path: &str) {
        if let Some(i) = path.rfind('/').filter(|i| *i > 0) {
            self.dirs.insert(path[..i].to_string());
        }
    }

    /// Whether anything (file or directory) exists at `path`.
    pub fn exists(&self, path: &str) -> bool {
        let p = self.resolve(path);
        self.files.contains_key(&p) || self.is_dir(&p)
    }

    /// Whether the directory holding `path` exists (files can only be created there).
    pub fn parent_exists(&self, path: &str) -> bool {
        let p = self.resolve(path);
        let parent = match p.rfind('/') {
            Some(0) | None => "/".to_string(),
            Some(i) => p[..i].to_string(),
        };
        BASE_DIRS.contains(&parent.as_str()) || self.is_dir(&parent)
    }

    /// Whether `path` is a directory.
    pub fn is_dir(&self, path: &str) -> bool {
        let p = self.resolve(path);
        if BASE_DIRS.contains(&p.as_str()) || self.dirs.contains(&p) {
            return true;
        }
        let prefix = format!("{p}/");
        self.files.keys().any(|k| k.starts_with(&prefix)) || self.dirs.iter().any(|d| d.starts_with(&prefix))
    }

    /// Removes a file, or a directory and everything below it when `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), String> {
        let p = self.resolve(path);
        if self.files.remove(&p).is_some() {
            self.touch_version(&p);
            self.keep_parent(&p);
            return Ok(());
        }
        if self.is_dir(&p) {
            if !recursive {
                return Err(format!("rm: cannot remove '{path}': Is a directory"));
            }
            let prefix = format!("{p}/");
            let gone: Vec<String> = self
                .files
                .keys()
                .chain(self.dirs.iter())
                .filter(|k| k.starts_with(&prefix) || **k == p)
                .cloned()
                .collect();
            for g in gone {
                self.touch_version(&g);
            }
            self.touch_version(&p);
            self.files.retain(|k, _| !k.starts_with(&prefix));
            self.dirs.retain(|d| d != &p && !d.starts_with(&prefix));
            self.keep_parent(&p);
            return Ok(());
        }
        Err(format!("rm: cannot remove '{path}': No such file or directory"))
    }

    /// The names directly inside directory `path`, sorted, directories with a trailing `/`.
    pub fn list(&self, path: &str) -> Option<Vec<String>> {
        let p = self.resolve(path);
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

    #[test]
    fn versions_name_what_changed() {
        let mut v = Vfs::new();
        v.write("a", b"1".to_vec());
        let mark = v.version();
        assert!(v.changed_since(mark).is_empty());
        v.write("/etc/m/x.yaml", b"x".to_vec());
        v.append("a", b"2");
        assert_eq!(v.changed_since(mark), ["/etc/m/x.yaml", "/root/a"]);
        assert_eq!(v.read("a"), Some(&b"12"[..]));
        let mark = v.version();
        v.remove("/etc/m/x.yaml", false).unwrap();
        assert_eq!(v.changed_since(mark), ["/etc/m/x.yaml"]);
        // The directory stays when its last file goes.
        assert!(v.is_dir("/etc/m"));
        v.rename("a", "/tmp/b");
        assert_eq!(v.read("/tmp/b"), Some(&b"12"[..]));
        assert!(!v.exists("a"));
        v.copy_dir("/etc", "/tmp/etc2");
        assert!(v.is_dir("/tmp/etc2/m"));
        v.set_cwd("/tmp");
        assert_eq!(v.resolve("b"), "/tmp/b");
        assert_eq!(v.resolve("../root"), "/root");
    }
}
