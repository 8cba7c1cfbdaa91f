//! kubeadm's certificates as PEM files, and the checks Go's crypto/tls and etcd's transport make of the files etcdctl is given.
//!
//! The playground does no cryptography. A certificate is a PEM block whose
//! DER-looking body carries who it names, who signed it and which key pair
//! it belongs to; a key names its key pair. That is enough for every check
//! etcdctl and the member make, in the order they make them:
//!
//! ```text
//! etcd's TLSInfo.ClientConfig (the client, before dialling)
//!   --cert or --key given:  both present?     "KeyFile and CertFile must both be present[key: K, cert: C]"
//!                           read C, read K    "open C: no such file or directory", "read C: is a directory"
//!                           tls.X509KeyPair   "tls: failed to find certificate PEM data ... switched",
//!                                             "tls: found a certificate rather than a key ...",
//!                                             "tls: private key does not match public key"
//!   --cacert given:         NewCertPool       every PEM block must parse as a certificate
//!                                             ("x509: malformed tbs certificate" for a key)
//! the TLS handshake with a member (client-cert-auth on)
//!   the client trusts the member's certificate: --insecure-skip-tls-verify, or etcd-ca in the pool
//!   the member trusts the client: a client certificate signed by etcd-ca (or etcd-ca's own)
//! ```
//!
//! A failed handshake is not an error etcdctl can name: gRPC retries until the
//! command's deadline (`commands/remote.rs`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::vfs::Vfs;

/// The authority every etcd certificate of the node is signed by.
pub const ETCD_CA: &str = "etcd-ca";

/// The node's name in certificates (the exam's nodes are called so).
pub const NODE: &str = "controlplane";

/// One certificate: what the playground's checks need of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cert {
    /// The subject's common name.
    pub subject: String,
    /// The issuer's common name.
    pub issuer: String,
    /// The key pair the certificate is for.
    pub key_pair: String,
    /// A CA certificate.
    pub ca: bool,
    /// Extended key usage: `server`, `client`, both (comma separated) or empty.
    pub usage: String,
}

impl Cert {
    /// Whether a member with client-certificate auth accepts this as a client's certificate.
    pub fn etcd_accepts_client(&self) -> bool {
        let signed = self.issuer == ETCD_CA;
        let client_use = self.usage.is_empty() || self.usage.split(',').any(|u| u == "client");
        signed && client_use
    }
}

/// The files kubeadm v1.30 writes under /etc/kubernetes/pki: path, subject,
/// issuer, and the extended key usage (CAs have none).
const KUBEADM: [(&str, &str, &str, &str); 10] = [
    ("ca", "kubernetes", "kubernetes", ""),
    ("apiserver", "kube-apiserver", "kubernetes", "server"),
    ("apiserver-kubelet-client", "kube-apiserver-kubelet-client", "kubernetes", "client"),
    ("apiserver-etcd-client", "kube-apiserver-etcd-client", ETCD_CA, "client"),
    ("front-proxy-ca", "front-proxy-ca", "front-proxy-ca", ""),
    ("front-proxy-client", "front-proxy-client", "front-proxy-ca", "client"),
    ("etcd/ca", ETCD_CA, ETCD_CA, ""),
    ("etcd/server", NODE, ETCD_CA, "server,client"),
    ("etcd/peer", NODE, ETCD_CA, "server,client"),
    ("etcd/healthcheck-client", "kube-etcd-healthcheck-client", ETCD_CA, "client"),
];

/// Where kubeadm keeps them.
pub const KUBEADM_DIR: &str = "/etc/kubernetes/pki";

/// The flags the exam's etcdctl lines give (etcd's own serving pair as client certificate).
pub const ETCDCTL_FLAGS: &str = " --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key";

/// The same certificates as etcdctl's variables, in one line a learner
/// types once per console tab (the page's welcome text teaches it).
pub const ETCDCTL_ENV: &str = "export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key";

/// Where minikube keeps the etcd ones (seed 001 reads them there).
pub const MINIKUBE_ETCD_DIR: &str = "/var/lib/minikube/certs/etcd";

/// Every certificate and key file of a kubeadm node, as (path, PEM text).
pub fn kubeadm_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (name, subject, issuer, usage) in KUBEADM {
        let cert = Cert {
            subject: subject.to_string(),
            issuer: issuer.to_string(),
            key_pair: name.to_string(),
            ca: usage.is_empty(),
            usage: usage.to_string(),
        };
        let crt = format!("{KUBEADM_DIR}/{name}.crt");
        let key = format!("{KUBEADM_DIR}/{name}.key");
        files.push((crt.clone(), cert_pem(&cert, &crt)));
        files.push((key.clone(), key_pem(name, &key)));
        if let Some(etcd) = name.strip_prefix("etcd/") {
            files.push((format!("{MINIKUBE_ETCD_DIR}/{etcd}.crt"), cert_pem(&cert, &crt)));
            files.push((format!("{MINIKUBE_ETCD_DIR}/{etcd}.key"), key_pem(name, &key)));
        }
    }
    // The service-account signing pair: a key and its public half, no certificate.
    let sa_key = format!("{KUBEADM_DIR}/sa.key");
    let sa_pub = format!("{KUBEADM_DIR}/sa.pub");
    files.push((sa_key.clone(), key_pem("sa", &sa_key)));
    files.push((
        sa_pub.clone(),
        pem("PUBLIC KEY", &format!("{KEY_TAG}\nkey=sa\npublic=true\n"), &sa_pub, 290),
    ));
    files
}

/// Installs [`kubeadm_files`] into `vfs`.
pub fn install(vfs: &mut Vfs) {
    for (path, pem) in kubeadm_files() {
        vfs.write(&path, pem.into_bytes());
    }
}

const CERT_TAG: &str = "playground-x509";
const KEY_TAG: &str = "playground-rsa";

/// A certificate as PEM text.
pub fn cert_pem(c: &Cert, path: &str) -> String {
    let body = format!(
        "{CERT_TAG}\nsubject=CN={}\nissuer=CN={}\nkey={}\nca={}\nusage={}\n",
        c.subject, c.issuer, c.key_pair, c.ca, c.usage
    );
    pem("CERTIFICATE", &body, path, 780)
}

/// A private key as PEM text (PKCS#1, as kubeadm writes RSA keys).
pub fn key_pem(key_pair: &str, path: &str) -> String {
    pem("RSA PRIVATE KEY", &format!("{KEY_TAG}\nkey={key_pair}\n"), path, 1190)
}

/// A PEM block: a DER sequence header, the descriptor, then filler made from
/// the path so every file reads differently and the same on every run.
fn pem(kind: &str, descriptor: &str, path: &str, size: usize) -> String {
    let mut der = vec![0x30, 0x82, (size >> 8) as u8, size as u8];
    der.extend_from_slice(descriptor.as_bytes());
    der.push(0);
    let mut x = slim::fnv1a(slim::FNV_OFFSET, path.as_bytes());
    while der.len() < size + 4 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        der.push(x as u8);
    }
    let b64 = STANDARD.encode(&der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

/// One PEM block of a file: its type and decoded bytes (Go's `pem.Decode`).
struct Block {
    kind: String,
    der: Option<Vec<u8>>,
}

fn blocks(text: &[u8]) -> Vec<Block> {
    let text = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(close) = after.find("-----") else { break };
        let kind = after[..close].to_string();
        let body_start = &after[close + 5..];
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = body_start.find(&end_marker) else { break };
        let b64: String = body_start[..end].chars().filter(|c| !c.is_whitespace()).collect();
        out.push(Block { kind, der: STANDARD.decode(b64).ok() });
        rest = &body_start[end + end_marker.len()..];
    }
    out
}

/// The descriptor inside a block's bytes, if the block is one of ours of `tag`.
fn descriptor<'a>(der: &'a [u8], tag: &str) -> Option<Vec<(&'a str, &'a str)>> {
    let body = der.get(4..)?;
    let end = body.iter().position(|b| *b == 0)?;
    let text = std::str::from_utf8(&body[..end]).ok()?;
    let mut lines = text.lines();
    (lines.next()? == tag).then(|| lines.filter_map(|l| l.split_once('=')).collect())
}

fn parse_cert(der: &[u8]) -> Result<Cert, &'static str> {
    if descriptor(der, KEY_TAG).is_some() {
        // What x509.ParseCertificate says of a key's DER.
        return Err("x509: malformed tbs certificate");
    }
    let fields = descriptor(der, CERT_TAG).ok_or("x509: malformed certificate")?;
    let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()).unwrap_or_default();
    Ok(Cert {
        subject: get("subject").trim_start_matches("CN=").to_string(),
        issuer: get("issuer").trim_start_matches("CN=").to_string(),
        key_pair: get("key"),
        ca: get("ca") == "true",
        usage: get("usage"),
    })
}

fn parse_key(der: &[u8]) -> Option<String> {
    let fields = descriptor(der, KEY_TAG)?;
    fields.iter().find(|(n, _)| *n == "key").map(|(_, v)| v.to_string())
}

/// Go's `ioutil.ReadFile` with its error texts (the path as given).
fn read<'a>(vfs: &'a Vfs, path: &str) -> Result<&'a [u8], String> {
    if vfs.is_dir(path) {
        return Err(format!("read {path}: is a directory"));
    }
    vfs.read(path).ok_or_else(|| format!("open {path}: no such file or directory"))
}

/// Go's `tls.X509KeyPair`, with its error texts.
fn key_pair(cert_pem: &[u8], key_pem: &[u8]) -> Result<Cert, String> {
    let cert_blocks = blocks(cert_pem);
    let Some(cert_block) = cert_blocks.iter().find(|b| b.kind == "CERTIFICATE") else {
        if cert_blocks.is_empty() {
            return Err("tls: failed to find any PEM data in certificate input".into());
        }
        if cert_blocks.iter().any(|b| b.kind.ends_with("PRIVATE KEY")) {
            return Err("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into());
        }
        let kinds: Vec<&str> = cert_blocks.iter().map(|b| b.kind.as_str()).collect();
        return Err(format!(
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]",
            kinds.join(" ")
        ));
    };
    let key_blocks = blocks(key_pem);
    let Some(key_block) =
        key_blocks.iter().find(|b| b.kind == "PRIVATE KEY" || b.kind.ends_with(" PRIVATE KEY"))
    else {
        if key_blocks.is_empty() {
            return Err("tls: failed to find any PEM data in key input".into());
        }
        if key_blocks.iter().any(|b| b.kind == "CERTIFICATE") {
            return Err("tls: found a certificate rather than a key in the PEM for the private key".into());
        }
        let kinds: Vec<&str> = key_blocks.iter().map(|b| b.kind.as_str()).collect();
        return Err(format!(
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]",
            kinds.join(" ")
        ));
    };
    let cert = cert_block.der.as_deref().ok_or("x509: malformed certificate").and_then(parse_cert)?;
    let key = key_block.der.as_deref().and_then(parse_key).ok_or("tls: failed to parse private key")?;
    if key != cert.key_pair {
        return Err("tls: private key does not match public key".into());
    }
    Ok(cert)
}

/// etcd's `tlsutil.NewCertPool`: every block of every file must be a certificate.
fn cert_pool(vfs: &Vfs, path: &str) -> Result<Vec<Cert>, String> {
    let mut pool = Vec::new();
    for b in blocks(read(vfs, path)?) {
        pool.push(b.der.as_deref().ok_or("x509: malformed certificate").and_then(parse_cert)?);
    }
    Ok(pool)
}

/// The client's TLS settings once etcd's `TLSInfo.ClientConfig` accepted them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientTls {
    /// The client certificate, when `--cert`/`--key` were given.
    pub cert: Option<Cert>,
    /// The CA pool from `--cacert` (`None`: the system's roots, which lack etcd-ca).
    pub roots: Option<Vec<Cert>>,
    /// `--insecure-skip-tls-verify`.
    pub skip_verify: bool,
}

/// Why a TLS handshake with a member fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// The client does not trust the member's certificate (no etcd CA given).
    UnknownAuthority,
    /// The member refuses the client: no certificate, or one etcd-ca did not sign.
    BadCertificate,
}

impl ClientTls {
    /// Loads `--cert`, `--key` and `--cacert` as etcd's `TLSInfo.ClientConfig`
    /// does, with its error texts; empty strings are flags not given.
    pub fn load(
        vfs: &Vfs,
        cert: &str,
        key: &str,
        cacert: &str,
        skip_verify: bool,
    ) -> Result<ClientTls, String> {
        let mut tls = ClientTls { skip_verify, ..ClientTls::default() };
        if !cert.is_empty() || !key.is_empty() {
            if cert.is_empty() || key.is_empty() {
                return Err(format!("KeyFile and CertFile must both be present[key: {key}, cert: {cert}]"));
            }
            let c = read(vfs, cert)?;
            let k = read(vfs, key)?;
            tls.cert = Some(key_pair(c, k)?);
        }
        if !cacert.is_empty() {
            tls.roots = Some(cert_pool(vfs, cacert)?);
        }
        Ok(tls)
    }

    /// The handshake with a member serving etcd's certificates with client-certificate auth.
    pub fn handshake(&self) -> Result<(), Handshake> {
        let trusted = self.skip_verify
            || self.roots.as_ref().is_some_and(|pool| pool.iter().any(|c| c.ca && c.subject == ETCD_CA));
        if !trusted {
            return Err(Handshake::UnknownAuthority);
        }
        match &self.cert {
            Some(c) if c.etcd_accepts_client() => Ok(()),
            _ => Err(Handshake::BadCertificate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Vfs {
        let mut v = Vfs::new();
        install(&mut v);
        v
    }

    const E: &str = "/etc/kubernetes/pki/etcd";

    fn load(v: &Vfs, cert: &str, key: &str, ca: &str) -> Result<ClientTls, String> {
        ClientTls::load(v, cert, key, ca, false)
    }

    #[test]
    fn files_read_as_pem() {
        let v = node();
        let crt = String::from_utf8(v.read(&format!("{E}/server.crt")).unwrap().to_vec()).unwrap();
        assert!(crt.starts_with("-----BEGIN CERTIFICATE-----\nMII"), "{crt}");
        assert!(crt.ends_with("-----END CERTIFICATE-----\n"));
        assert!(crt.lines().skip(1).take(3).all(|l| l.len() == 64));
        let key = String::from_utf8(v.read(&format!("{E}/server.key")).unwrap().to_vec()).unwrap();
        assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\nMII"), "{key}");
        assert_ne!(v.read(&format!("{E}/peer.key")), v.read(&format!("{E}/server.key")));
        assert!(v.read("/etc/kubernetes/pki/apiserver-etcd-client.key").is_some());
        assert!(v.read("/var/lib/minikube/certs/etcd/ca.crt").is_some());
        // What `ls /etc/kubernetes/pki` shows on a kubeadm v1.30 control-plane node.
        let kubeadm = "apiserver-etcd-client.crt apiserver-etcd-client.key apiserver-kubelet-client.crt \
            apiserver-kubelet-client.key apiserver.crt apiserver.key ca.crt ca.key etcd/ front-proxy-ca.crt \
            front-proxy-ca.key front-proxy-client.crt front-proxy-client.key sa.key sa.pub";
        assert_eq!(
            v.list(KUBEADM_DIR).unwrap().join(" "),
            kubeadm.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        let etcd = "ca.crt ca.key healthcheck-client.crt healthcheck-client.key peer.crt peer.key server.crt server.key";
        assert_eq!(v.list(E).unwrap().join(" "), etcd);
    }

    #[test]
    fn the_exams_flags_connect() {
        let v = node();
        let tls =
            load(&v, &format!("{E}/server.crt"), &format!("{E}/server.key"), &format!("{E}/ca.crt")).unwrap();
        assert_eq!(tls.handshake(), Ok(()));
        let hc = format!("{E}/healthcheck-client");
        let tls = load(&v, &format!("{hc}.crt"), &format!("{hc}.key"), &format!("{E}/ca.crt")).unwrap();
        assert_eq!(tls.handshake(), Ok(()));
    }

    #[test]
    fn go_words_for_wrong_files() {
        let v = node();
        let f = |n: &str| format!("{E}/{n}");
        let err = |c: &str, k: &str, ca: &str| load(&v, c, k, ca).unwrap_err();
        assert_eq!(
            err(&f("server.key"), &f("server.key"), ""),
            "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched"
        );
        assert_eq!(
            err(&f("server.crt"), &f("server.crt"), ""),
            "tls: found a certificate rather than a key in the PEM for the private key"
        );
        assert_eq!(err(&f("server.crt"), &f("peer.key"), ""), "tls: private key does not match public key");
        assert_eq!(err("", "", &f("ca.key")), "x509: malformed tbs certificate");
        assert_eq!(
            err(&f("nope.crt"), &f("server.key"), ""),
            format!("open {E}/nope.crt: no such file or directory")
        );
        assert_eq!(err("", "", E), format!("read {E}: is a directory"));
        assert_eq!(
            err(&f("server.crt"), "", ""),
            format!("KeyFile and CertFile must both be present[key: , cert: {E}/server.crt]")
        );
        let mut v = v.clone();
        v.write("/root/hello.crt", b"hello\n".to_vec());
        assert_eq!(
            ClientTls::load(&v, "hello.crt", &f("server.key"), "", false).unwrap_err(),
            "tls: failed to find any PEM data in certificate input"
        );
    }

    #[test]
    fn handshakes_fail_as_a_member_with_client_cert_auth_refuses() {
        let v = node();
        let p = "/etc/kubernetes/pki";
        let wrong_ca =
            load(&v, &format!("{E}/server.crt"), &format!("{E}/server.key"), &format!("{p}/ca.crt")).unwrap();
        assert_eq!(wrong_ca.handshake(), Err(Handshake::UnknownAuthority));
        let other_client =
            load(&v, &format!("{p}/apiserver.crt"), &format!("{p}/apiserver.key"), &format!("{E}/ca.crt"))
                .unwrap();
        assert_eq!(other_client.handshake(), Err(Handshake::BadCertificate));
        let no_cert = load(&v, "", "", &format!("{E}/ca.crt")).unwrap();
        assert_eq!(no_cert.handshake(), Err(Handshake::BadCertificate));
        let ca_as_client =
            load(&v, &format!("{E}/ca.crt"), &format!("{E}/ca.key"), &format!("{E}/ca.crt")).unwrap();
        assert_eq!(ca_as_client.handshake(), Ok(()));
    }
}
