#!/usr/bin/env bash
# Runs a command in a network namespace of its own, where nothing can leave this machine, and fails when
# anything in it tried: `isolated.sh REPORT_FILE -- CMD ARGS...`.
#
# The namespace has `lo` (127.0.0.0/8, where the whole harness and the action live) and one TUN device that
# carries the default routes and is read by offbox_watch.py: every packet addressed elsewhere (a pod IP, a
# ClusterIP, a cloud endpoint, a DNS server) ends there, is answered with a refusal, and is recorded in
# REPORT_FILE. After CMD ends, a non-empty report makes the exit status 3 (or CMD's own failure status),
# listing each destination. Needs root or unprivileged user namespaces (then it maps the caller to root).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPORT="${1:?usage: isolated.sh REPORT_FILE -- CMD...}"
shift
[ "${1:-}" = "--" ] && shift
[ "$#" -gt 0 ] || { echo "isolated.sh: no command" >&2; exit 2; }
PY="$(command -v python3 || echo /usr/bin/python3)"

if [ "${ASK_ISTIO_IN_ISOLATION:-}" != "1" ]; then
  flags=(--net --fork)
  [ "$(id -u)" = 0 ] || flags+=(--map-root-user)
  export ASK_ISTIO_IN_ISOLATION=1
  exec unshare "${flags[@]}" bash "$0" "$REPORT" -- "$@"
fi

ip link set lo up
rm -f "$REPORT"
exec 8< <("$PY" "$HERE/offbox_watch.py" tun0 "$REPORT")
WATCH_PID=$!
read -r _ <&8 # "ready": the device exists
ip addr add 198.18.0.1/15 dev tun0 # RFC 2544 benchmarking range: never a real peer
ip -6 addr add fd00:5eed::1/64 dev tun0 nodad 2>/dev/null || true
ip link set tun0 up
ip route add default dev tun0
ip -6 route add default dev tun0 2>/dev/null || true

set +e
"$@"
status=$?
set -e
sleep 0.2 # let the watcher record the last packets
kill "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
if [ -s "$REPORT" ]; then
  echo "" >&2
  echo "isolation: processes of this run tried to reach addresses off the loopback (nothing left the machine):" >&2
  sed 's/^/  /' "$REPORT" >&2
  [ "$status" = 0 ] && status=3
else
  echo "isolation: no connection off the loopback was attempted" >&2
fi
exit "$status"
