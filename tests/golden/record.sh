#!/usr/bin/env bash
# Records golden console outputs from a real etcd cluster (Debian's etcd 3.4.23).
#
#   bash tests/golden/record.sh [CORPUS] [OUTPUT]
#
# Defaults: CORPUS=tests/golden/corpus.txt, OUTPUT=tests/golden/recorded.jsonl.
# Starts a fresh 3-member cluster on loopback (etcd-1/2/3 on 127.0.0.1/2/3, client
# port 2379, peer port 2380) in a temporary directory, runs every corpus entry through
# bash with ETCDCTL_API=3 in a scratch working directory, and writes one JSON object per
# entry: {"input": ..., "stdout": ..., "stderr": ..., "exit": N}.
# It stops exactly the etcd processes it started (and nothing else) when it exits.
# See README.md beside this file for the corpus conventions.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CORPUS=$(realpath "${1:-$HERE/corpus.txt}")
OUTPUT=$(realpath -m "${2:-$HERE/recorded.jsonl}")
LINE_TIMEOUT=${LINE_TIMEOUT:-20}

# shellcheck source=lib.sh
. "$HERE/lib.sh"
ensure_etcd

NAMES=(etcd-1 etcd-2 etcd-3)
declare -A IP=([etcd-1]=127.0.0.1 [etcd-2]=127.0.0.2 [etcd-3]=127.0.0.3)
declare -A PID=()
INITIAL_CLUSTER=etcd-1=http://127.0.0.1:2380,etcd-2=http://127.0.0.2:2380,etcd-3=http://127.0.0.3:2380
ALL_EPS=127.0.0.1:2379,127.0.0.2:2379,127.0.0.3:2379

WORK=$(mktemp -d "${TMPDIR:-/tmp}/etcd-golden.XXXXXX")
SCRATCH=$WORK/scratch
mkdir -p "$SCRATCH"

stop_member() { # NAME: SIGKILL (a crash: memory lost, data dir kept)
  local n=$1 p=${PID[$1]:-}
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  fi
  unset "PID[$n]"
}

cleanup() {
  local n
  for n in "${!PID[@]}"; do stop_member "$n"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

port_busy() { # IP PORT
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

start_member() { # NAME
  local n=$1 ip=${IP[$1]}
  "$ETCD" --name "$n" --data-dir "$WORK/$n.etcd" \
    --listen-client-urls "http://$ip:2379" --advertise-client-urls "http://$ip:2379" \
    --listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380" \
    --initial-cluster "$INITIAL_CLUSTER" --initial-cluster-token etcd-cluster \
    --initial-cluster-state new --logger zap --log-outputs stderr \
    </dev/null >>"$WORK/$n.log" 2>&1 &
  PID[$n]=$!
}

wait_healthy() { # SECONDS ENDPOINTS
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do
    if "$ETCDCTL" --endpoints="$2" --dial-timeout=1s --command-timeout=2s endpoint health >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

for n in "${NAMES[@]}"; do
  for port in 2379 2380; do
    if port_busy "${IP[$n]}" $port; then
      echo "record.sh: ${IP[$n]}:$port is already in use; stop whatever listens there first" >&2
      exit 1
    fi
  done
done

for n in "${NAMES[@]}"; do start_member "$n"; done
if ! wait_healthy 60 "$ALL_EPS"; then
  echo "record.sh: the cluster did not become healthy; logs in $WORK" >&2
  tail -n 20 "$WORK"/*.log >&2
  trap - EXIT; for n in "${!PID[@]}"; do stop_member "$n"; done
  exit 1
fi

# Make etcd-1 the leader so that leader-dependent output is the same on every run.
member_id() { # NAME -> hex member id, from member list
  "$ETCDCTL" --endpoints="$ALL_EPS" member list | awk -F', ' -v n="$1" '$3 == n {print $1}'
}
leader_id() {
  "$ETCDCTL" --endpoints="$ALL_EPS" endpoint status -w json |
    python3 -c 'import json,sys; print(format(json.load(sys.stdin)[0]["Status"]["leader"], "x"))'
}
E1=$(member_id etcd-1)
for _ in 1 2 3 4 5; do
  [ "$(leader_id)" = "$E1" ] && break
  "$ETCDCTL" --endpoints="$ALL_EPS" move-leader "$E1" >/dev/null 2>&1
  sleep 0.5
done
echo "record.sh: cluster up (leader $(leader_id), etcd-1 is $E1), recording $CORPUS" >&2

# Playground commands: `cluster stop` crashes a member, `cluster start` starts it and
# waits until it serves.
entry_special() {
  [[ $1 =~ ^cluster[[:space:]]+(stop|start)[[:space:]]+(etcd-[123])[[:space:]]*$ ]] || return 1
  local name=${BASH_REMATCH[2]}
  if [ "${BASH_REMATCH[1]}" = stop ]; then
    stop_member "$name"
  else
    if [ -z "${PID[$name]:-}" ]; then start_member "$name"; fi
    wait_healthy 30 "${IP[$name]}:2379" || echo "record.sh: $name not healthy after start" >&2
  fi
}
entry_script() { printf '%s' "$1"; }
# Captures: the ids later entries refer to as $LEASE and $MEMBER.
entry_done() {
  local id
  id=$(sed -n 's/^lease \([0-9a-f]*\) granted with TTL.*/\1/p' "$1" | tail -n 1)
  [ -n "$id" ] && echo "export LEASE=$id" >>"$ENVFILE"
  id=$(sed -n 's/^Member *\([0-9a-f]*\) added to cluster.*/\1/p' "$1" | tail -n 1)
  [ -n "$id" ] && echo "export MEMBER=$id" >>"$ENVFILE"
  return 0
}

record_corpus "$CORPUS" "$OUTPUT"
