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

if [ ! -x /usr/bin/etcd ] || [ ! -x /usr/bin/etcdctl ]; then
  echo "record.sh: installing etcd-server and etcd-client" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q && apt-get install -y -q etcd-server etcd-client || {
    echo "record.sh: could not install etcd" >&2; exit 1; }
fi
command -v openssl >/dev/null || { echo "record.sh: openssl is needed" >&2; exit 1; }
ETCD=/usr/bin/etcd
ETCDCTL=/usr/bin/etcdctl

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

ENVFILE=$WORK/env.sh
{
  echo "export ETCDCTL_API=3"
  echo "export HOME=$SCRATCH"
} >"$ENVFILE"
strip_env() { grep -v -E '^declare -x (BASH_ENV|__ENVOUT|OLDPWD|PWD|SHLVL|_|ETCDCTL_ENDPOINTS)=' "$1"; }

# Names as on a kubeadm node <-> what this run has.
to_run() { sed -e "s#/etc/kubernetes/pki#$PKI#g" -e "s#127\.0\.0\.1:2379#127.0.0.1:$PORT#g"; }
to_node() {
  sed -e "s#$PKI#/etc/kubernetes/pki#g" -e "s#127\.0\.0\.1:$PORT\b#127.0.0.1:2379#g" -e "s#$SCRATCH#/root#g" "$1" >"$1.node"
  mv "$1.node" "$1"
}

python3 "$HERE/../record.py" split "$CORPUS" >"$WORK/entries.jsonl" || exit 1
: >"$WORK/recorded.tmp"
count=0
started=$SECONDS
while IFS= read -r json; do
  entry=$(python3 -c 'import json,sys; sys.stdout.write(json.loads(sys.argv[1]))' "$json")
  count=$((count + 1))
  out=$WORK/out.txt err=$WORK/err.txt
  : >"$out"; : >"$err"
  t0=$SECONDS
  script="$(to_run <<<"$entry")"$'\n__rc=$?\nexport -p >"$__ENVOUT"\nexit $__rc'
  endpoints=()
  [[ $entry == *--endpoints* ]] || endpoints=(ETCDCTL_ENDPOINTS="127.0.0.1:$PORT")
  (cd "$SCRATCH" && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 BASH_ENV="$ENVFILE" __ENVOUT="$ENVFILE.new" "${endpoints[@]}" \
    timeout -k 5 "$LINE_TIMEOUT" bash -c "$script" </dev/null >"$out" 2>"$err")
  rc=$?
  if [ -s "$ENVFILE.new" ]; then strip_env "$ENVFILE.new" >"$ENVFILE"; fi
  rm -f "$ENVFILE.new"
  if [ $((SECONDS - t0)) -ge "$LINE_TIMEOUT" ]; then
    echo "record.sh: WARNING: entry $count ran into the recorder's ${LINE_TIMEOUT}s limit" >&2
  fi
  to_node "$out"; to_node "$err"
  python3 "$HERE/../record.py" entry "$entry" "$out" "$err" "$rc" >>"$WORK/recorded.tmp"
  printf 'record.sh: %3d exit=%-3s %ss %s\n' "$count" "$rc" "$((SECONDS - t0))" "$(head -n 1 <<<"$entry" | cut -c1-150)" >&2
done <"$WORK/entries.jsonl"
cp "$WORK/recorded.tmp" "$OUTPUT"
echo "record.sh: recorded $count entries in $((SECONDS - started))s to $OUTPUT" >&2
