#!/usr/bin/env bash
# Records what etcdctl prints against a kubeadm-style etcd: one member of Debian's etcd 3.4.23
# serving https with client-certificate auth, its certificates made by certs.sh.
#
#   bash tests/golden/tls/record.sh [CORPUS] [OUTPUT]
#
# Defaults: CORPUS=tests/golden/tls/corpus.txt, OUTPUT=tests/golden/tls/recorded.jsonl (the
# format of ../recorded.jsonl). The member listens on 127.0.0.1 on a client and a peer port
# the system hands out; its pki dir is under a fresh `mktemp -d`. In each entry
# `/etc/kubernetes/pki` stands for that dir and `127.0.0.1:2379` for the client port (an
# entry without --endpoints gets ETCDCTL_ENDPOINTS=127.0.0.1:PORT, the same default); the
# outputs get the same names back, so the recording reads as on a kubeadm node. It stops
# exactly the etcd process it started and removes its temp dir when it exits.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CORPUS=$(realpath "${1:-$HERE/corpus.txt}")
OUTPUT=$(realpath -m "${2:-$HERE/recorded.jsonl}")
LINE_TIMEOUT=${LINE_TIMEOUT:-20}

# shellcheck source=../lib.sh
. "$HERE/../lib.sh"
ensure_etcd
command -v openssl >/dev/null || { echo "record.sh: openssl is needed" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/etcd-golden-tls.XXXXXX")
PKI=$WORK/pki
SCRATCH=$WORK/scratch
mkdir -p "$SCRATCH"
PID=

cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -KILL "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
PEER_PORT=$(free_port)
while [ "$PEER_PORT" = "$PORT" ]; do PEER_PORT=$(free_port); done

bash "$HERE/certs.sh" "$PKI" || { echo "record.sh: certs.sh failed" >&2; exit 1; }
E=$PKI/etcd
# The flags kubeadm v1.30 writes into /etc/kubernetes/manifests/etcd.yaml.
"$ETCD" --name controlplane --data-dir "$WORK/etcd" \
  --advertise-client-urls "https://127.0.0.1:$PORT" --listen-client-urls "https://127.0.0.1:$PORT" \
  --initial-advertise-peer-urls "https://127.0.0.1:$PEER_PORT" --listen-peer-urls "https://127.0.0.1:$PEER_PORT" \
  --initial-cluster "controlplane=https://127.0.0.1:$PEER_PORT" --initial-cluster-state new \
  --listen-metrics-urls "" \
  --cert-file "$E/server.crt" --key-file "$E/server.key" --client-cert-auth=true --trusted-ca-file "$E/ca.crt" \
  --peer-cert-file "$E/peer.crt" --peer-key-file "$E/peer.key" --peer-client-cert-auth=true \
  --peer-trusted-ca-file "$E/ca.crt" --snapshot-count 10000 --logger zap --log-outputs stderr \
  </dev/null >>"$WORK/etcd.log" 2>&1 &
PID=$!

TLSFLAGS=(--endpoints="https://127.0.0.1:$PORT" --cacert="$E/ca.crt" --cert="$E/server.crt" --key="$E/server.key")
deadline=$((SECONDS + 60))
until "$ETCDCTL" "${TLSFLAGS[@]}" --dial-timeout=1s --command-timeout=2s endpoint health >/dev/null 2>&1; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$PID" 2>/dev/null; then
    echo "record.sh: etcd did not become healthy:" >&2
    tail -n 20 "$WORK/etcd.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "record.sh: etcd up on 127.0.0.1:$PORT (peer $PEER_PORT), recording $CORPUS" >&2

# Names as on a kubeadm node <-> what this run has (README.md, D1 and D2).
entry_special() { return 1; }
entry_script() {
  sed -e "s#/etc/kubernetes/pki#$PKI#g" -e "s#127\.0\.0\.1:2379#127.0.0.1:$PORT#g" <<<"$1"
  [[ $1 == *--endpoints* ]] || ENTRY_ENV=(ETCDCTL_ENDPOINTS="127.0.0.1:$PORT")
}
entry_done() {
  local f
  for f in "$@"; do
    sed -e "s#$PKI#/etc/kubernetes/pki#g" -e "s#127\.0\.0\.1:$PORT\b#127.0.0.1:2379#g" -e "s#$SCRATCH#/root#g" "$f" >"$f.node"
    mv "$f.node" "$f"
  done
}

record_corpus "$CORPUS" "$OUTPUT"
