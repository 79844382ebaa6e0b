#!/usr/bin/env bash
# `npm test`: the unit tests, then the e2e suite once per matrix entry (test/cluster/stacks.ts), each entry
# in a network namespace of its own where nothing can leave the machine (test/isolation/isolated.sh: the
# run fails when any process of the harness or the action tried to reach an address off the loopback).
#
#   npm test                          unit, then e2e on seed and current side by side
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
[ "$unit" = 0 ] || "${jest[@]}" "${args[@]}" --selectProjects unit
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

# One entry: its own network namespace, control plane, ports and temp dirs, so entries can run side by
# side. Prints its jest output with a [stack] prefix and leaves its exit status in $reports/status-<stack>.
run_entry() {
  local s="$1" start status
  start=$(date +%s)
  set +e
  ASK_ISTIO_STACK="$s" bash test/isolation/isolated.sh "$reports/offbox-$s.jsonl" -- \
    "${jest[@]}" "${args[@]}" --selectProjects e2e 2>&1 | sed -u "s/^/[$s] /"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" = 0 ]; then
    echo "=== e2e on the $s stack passed in $(( $(date +%s) - start ))s ===" >&2
  else
    echo "=== e2e on the $s stack FAILED after $(( $(date +%s) - start ))s ===" >&2
  fi
  echo "$status" >"$reports/status-$s"
}

# The entries run at the same time by default: each spends about half its time waiting on rollouts and
# timers (measured: ~50 % idle CPU on 2 cores while one entry runs), so two overlap well.
# ASK_ISTIO_E2E_SERIAL=1 runs them one after another (clearer logs, or a slower machine).
# Every entry runs even when another failed, so one CI run shows every stack's failures.
e2e_start=$(date +%s)
pids=()
for s in $stacks; do
  echo "=== e2e on the $s stack ===" >&2
  if [ "${ASK_ISTIO_E2E_SERIAL:-0}" = 1 ]; then
    run_entry "$s"
  else
    run_entry "$s" &
    pids+=("$!")
  fi
done
[ "${#pids[@]}" = 0 ] || wait "${pids[@]}"
failed=()
for s in $stacks; do
  [ "$(cat "$reports/status-$s" 2>/dev/null || echo 1)" = 0 ] || failed+=("$s")
done
echo "=== e2e on all stacks took $(( $(date +%s) - e2e_start ))s ===" >&2
if [ "${#failed[@]}" -gt 0 ]; then
  echo "e2e failed on: ${failed[*]}" >&2
  exit 1
fi
