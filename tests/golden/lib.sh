# Shared by the recorders (record.sh, tls/record.sh); source it, do not run it.
#
#   ensure_etcd                 installs Debian's etcd-server/etcd-client (3.4.23) if missing
#   record_corpus CORPUS OUTPUT runs every corpus entry and writes one JSON object per entry
#
# record_corpus needs WORK (a temp dir), SCRATCH (the entries' working dir) and
# LINE_TIMEOUT, and calls three functions the recorder defines:
#   entry_special ENTRY   handles an entry that is not bash (returns 1 for "run it in bash")
#   entry_script ENTRY    prints the bash text to run for ENTRY; may set the array ENTRY_ENV
#                         (extra NAME=value for this entry only)
#   entry_done OUT ERR    after an entry ran: captures, rewrites of its output files
# Each entry runs as line 1 of a fresh `bash -c` (so shell error texts are stable) in
# SCRATCH, with stdin /dev/null, ETCDCTL_API=3 and HOME exported and nothing else of the
# caller's environment; `export`/`unset` in an entry carry over to later ones (ENVFILE).

GOLDEN_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ensure_etcd() {
  if [ ! -x /usr/bin/etcd ] || [ ! -x /usr/bin/etcdctl ]; then
    echo "record.sh: installing etcd-server and etcd-client" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q etcd-server etcd-client || {
      echo "record.sh: could not install etcd" >&2; exit 1; }
  fi
  ETCD=/usr/bin/etcd
  ETCDCTL=/usr/bin/etcdctl
}

# What `export -p` prints but must not be carried over (bash's own, and the entry's ENTRY_ENV).
strip_env() {
  local names="BASH_ENV|__ENVOUT|OLDPWD|PWD|SHLVL|_" kv
  for kv in "${ENTRY_ENV[@]}"; do names="$names|${kv%%=*}"; done
  grep -v -E "^declare -x ($names)=" "$1"
}

record_corpus() { # CORPUS OUTPUT
  local corpus=$1 output=$2 json entry out err rc t0 script count=0 started=$SECONDS
  ENVFILE=$WORK/env.sh
  {
    echo "export ETCDCTL_API=3"
    echo "export HOME=$SCRATCH"
  } >"$ENVFILE"
  python3 "$GOLDEN_LIB/record.py" split "$corpus" >"$WORK/entries.jsonl" || exit 1
  : >"$WORK/recorded.tmp"
  while IFS= read -r json; do
    entry=$(python3 -c 'import json,sys; sys.stdout.write(json.loads(sys.argv[1]))' "$json")
    count=$((count + 1))
    out=$WORK/out.txt err=$WORK/err.txt
    : >"$out"; : >"$err"
    rc=0
    t0=$SECONDS
    if ! entry_special "$entry"; then
      ENTRY_ENV=()
      entry_script "$entry" >"$WORK/script.txt"
      script="$(cat "$WORK/script.txt")"$'\n__rc=$?\nexport -p >"$__ENVOUT"\nexit $__rc'
      (cd "$SCRATCH" && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 BASH_ENV="$ENVFILE" __ENVOUT="$ENVFILE.new" "${ENTRY_ENV[@]}" \
        timeout -k 5 "$LINE_TIMEOUT" bash -c "$script" </dev/null >"$out" 2>"$err")
      rc=$?
      if [ -s "$ENVFILE.new" ]; then strip_env "$ENVFILE.new" >"$ENVFILE"; fi
      rm -f "$ENVFILE.new"
      entry_done "$out" "$err"
    fi
    if [ $((SECONDS - t0)) -ge "$LINE_TIMEOUT" ]; then
      echo "record.sh: WARNING: entry $count ran into the recorder's ${LINE_TIMEOUT}s limit" >&2
    fi
    python3 "$GOLDEN_LIB/record.py" entry "$entry" "$out" "$err" "$rc" >>"$WORK/recorded.tmp"
    printf 'record.sh: %3d exit=%-3s %s\n' "$count" "$rc" "$(head -n 1 <<<"$entry" | cut -c1-150)" >&2
  done <"$WORK/entries.jsonl"
  cp "$WORK/recorded.tmp" "$output"
  echo "record.sh: recorded $count entries in $((SECONDS - started))s to $output" >&2
}
