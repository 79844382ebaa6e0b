#!/usr/bin/env bash
# `npm test`: the unit tests, then the e2e suite once per matrix entry (test/cluster/stacks.ts), each entry
# in a network namespace of its own where nothing can leave the machine (test/isolation/isolated.sh: the
# run fails when any process of the harness or the action tried to reach an address off the loopback).
#
#   npm test                          unit, then e2e on seed and current (in 2 shards) side by side
#   ASK_ISTIO_CURRENT_SHARDS=1 npm test   current in one entry (one cluster)
#   ASK_ISTIO_E2E_SERIAL=1 npm test   the same with one entry after the other
#   npm test -- --stack current       unit + e2e on one entry (also ASK_ISTIO_STACKS="current")
#   npm test -- --e2e-only --stack seed __tests__/e2e/routing.test.ts   extra arguments go to jest
#   ASK_ISTIO_KUBERNETES=1.36.3 npm test -- --stack current   the current entry on another Kubernetes
set -euo pipefail
cd "$(dirname "$0")/.."
stacks="${ASK_ISTIO_STACKS:-seed current}"
unit=1
e2e=1
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --stack) stacks="$2"; shift 2 ;;
    --stack=*) stacks="${1#--stack=}"; shift ;;
    --unit-only) e2e=0; shift ;;
    --e2e-only) unit=0; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
export NODE_OPTIONS=--experimental-vm-modules
# Node 24 (the `node` devDependency) first, as npm scripts have it: client-node 2.x needs >= 22.19.
export PATH="$PWD/node_modules/.bin:$PATH"
jest=(node_modules/.bin/jest --passWithNoTests)
tests_start=$(date +%s)
# The unit files are independent processes' worth of work: both cores (measured 80 s against 100 in band).
[ "$unit" = 0 ] || "${jest[@]}" "${args[@]}" --selectProjects unit --maxWorkers=2
[ "$e2e" = 1 ] || exit 0

# Build (or find) each entry's binaries before entering the namespace: builds need the module proxy.
for s in $stacks; do
  case "$s" in
    seed) bash test/cluster/build.sh >/dev/null ;;
    current) bash test/cluster/gobuild/build.sh "k8s=${ASK_ISTIO_KUBERNETES:-}" etcd istio >/dev/null ;;
    *) echo "unknown stack $s (seed, current)" >&2; exit 2 ;;
  esac
done
reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT

# One entry (a stack, or one shard of it): its own network namespace, control plane, ports and temp dirs,
# so entries can run side by side. Prints its jest output with an [entry] prefix and leaves its exit status
# in $reports/status-<entry>.
# "current 1/2" → "current_1_2", for file names; "current:1/2" (an entry) → "current 1/2".
key() { printf '%s' "$1" | tr ' /' '__'; }
entry_name() { local st="${1%%:*}" sh="${1#*:}"; printf '%s' "$st${sh:+ $sh}"; }

run_entry() {
  local s="$1" shard="$2" name start status
  name="$s${shard:+ $shard}"
  start=$(date +%s)
  set +e
  ASK_ISTIO_STACK="$s" bash test/isolation/isolated.sh "$reports/offbox-$(key "$name").jsonl" -- \
    "${jest[@]}" "${args[@]}" --selectProjects e2e ${shard:+--shard="$shard"} 2>&1 | sed -u "s|^|[$name] |"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" = 0 ]; then
    echo "=== e2e on $name passed in $(( $(date +%s) - start ))s ===" >&2
  else
    echo "=== e2e on $name FAILED after $(( $(date +%s) - start ))s ===" >&2
  fi
  echo "$status" >"$reports/status-$(key "$name")"
}

# The entries run at the same time by default: each spends about half its time waiting on rollouts and
# timers (measured: ~50 % idle CPU on 2 cores while one entry runs), so they overlap well. `current` is the
# longer one, so it is split into ASK_ISTIO_CURRENT_SHARDS shards (default 2; jest --shard, balanced by
# test/harness/sequencer.mjs), each with a cluster of its own. ASK_ISTIO_E2E_SERIAL=1 runs the entries one
# after another (clearer logs, or a slower machine). Every entry runs even when another failed, so one CI
# run shows every failure.
# Named test files run in one entry per stack: a shard would start a cluster for nothing.
shards="${ASK_ISTIO_CURRENT_SHARDS:-2}"
for a in ${args[@]+"${args[@]}"}; do case "$a" in *.test.ts) shards=1 ;; esac; done
entries=()
for s in $stacks; do
  n=1
  [ "$s" = current ] && n="$shards"
  if [ "$n" -le 1 ]; then entries+=("$s:"); else for i in $(seq 1 "$n"); do entries+=("$s:$i/$n"); done; fi
done
e2e_start=$(date +%s)
pids=()
for e in "${entries[@]}"; do
  echo "=== e2e on $(entry_name "$e") ===" >&2
  if [ "${ASK_ISTIO_E2E_SERIAL:-0}" = 1 ]; then
    run_entry "${e%%:*}" "${e#*:}"
  else
    run_entry "${e%%:*}" "${e#*:}" &
    pids+=("$!")
  fi
done
[ "${#pids[@]}" = 0 ] || wait "${pids[@]}"
failed=()
for e in "${entries[@]}"; do
  name="$(entry_name "$e")"
  [ "$(cat "$reports/status-$(key "$name")" 2>/dev/null || echo 1)" = 0 ] || failed+=("$name")
done
echo "=== e2e on all entries took $(( $(date +%s) - e2e_start ))s; unit + e2e $(( $(date +%s) - tests_start ))s ===" >&2
if [ "${#failed[@]}" -gt 0 ]; then
  echo "e2e failed on: ${failed[*]}" >&2
  exit 1
fi
