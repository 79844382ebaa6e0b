#!/usr/bin/env bash
# `npm test`: the unit tests, then the e2e suite once per matrix entry (test/cluster/stacks.ts), each entry
# in a network namespace of its own where nothing can leave the machine (test/isolation/isolated.sh: the
# run fails when any process of the harness or the action tried to reach an address off the loopback).
#
#   npm test                          unit + e2e on seed and current
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
# Every entry runs even when an earlier one failed, so one CI run shows every stack's failures.
failed=()
for s in $stacks; do
  echo "=== e2e on the $s stack ===" >&2
  start=$(date +%s)
  if ASK_ISTIO_STACK="$s" bash test/isolation/isolated.sh "$reports/offbox-$s.jsonl" -- \
    "${jest[@]}" "${args[@]}" --selectProjects e2e; then
    echo "=== e2e on the $s stack passed in $(( $(date +%s) - start ))s ===" >&2
  else
    echo "=== e2e on the $s stack FAILED after $(( $(date +%s) - start ))s ===" >&2
    failed+=("$s")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "e2e failed on: ${failed[*]}" >&2
  exit 1
fi
