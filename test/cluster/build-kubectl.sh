#!/usr/bin/env bash
# Builds (once per machine) kubectl 1.20.2 from Debian's `kubernetes` source package, into the same
# cache as test/cluster/build.sh. Only the benchmark needs it: bench/manual.ts replays the manual
# (seed walk-through) procedure with real kubectl, so its time can be compared with the action's.
# build.sh deletes its work dir after building, so this re-downloads the source and regenerates
# the generated files (about 5-8 minutes); a second call returns in milliseconds.
set -euo pipefail

CACHE_DIR="${ASK_ISTIO_CLUSTER_CACHE:-$HOME/.cache/ask-istio-action/k8s-1.20.2}"
BIN_DIR="$CACHE_DIR/bin"
K8S_VERSION=v1.20.2

log() { printf '[kubectl-build] %s\n' "$*" >&2; }

have_kubectl() { [ -x "$BIN_DIR/kubectl" ]; }
if have_kubectl; then
  log "cached kubectl present in $BIN_DIR"
  echo "$BIN_DIR/kubectl"
  exit 0
fi

# One build at a time: a second caller waits for the first and then finds the binary.
mkdir -p "$BIN_DIR"
exec 9>"$CACHE_DIR/kubectl-build.lock"
flock 9
if have_kubectl; then
  echo "$BIN_DIR/kubectl"
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# Same deb-src entry as build.sh (reusing the machine's own mirror URI; no host hard-coded).
ensure_deb_src() {
  local src_file=/etc/apt/sources.list.d/ask-istio-action-src.sources
  if [ -f "$src_file" ]; then return; fi
  local uri
  uri=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}')
  if [ -z "$uri" ]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1 | awk '{print $2}')
  fi
  [ -n "$uri" ] || { log "cannot find a Debian mirror URI in the apt sources"; exit 1; }
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" | $SUDO tee "$src_file" >/dev/null
  $SUDO apt-get update -qq
}

start=$(date +%s)
ensure_deb_src
if ! command -v go >/dev/null 2>&1 || ! command -v dpkg-source >/dev/null 2>&1; then
  log "installing build dependencies"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq golang-go rsync dpkg-dev >/dev/null
fi

# A separate work dir, so a concurrent build.sh (which deletes its own) cannot interfere.
WORK="$CACHE_DIR/work-kubectl"
mkdir -p "$WORK" "$BIN_DIR"
cd "$WORK"
if [ ! -f "$WORK/src.done" ]; then
  log "downloading Debian's kubernetes source package"
  rm -rf "$WORK"/src "$WORK"/*.tar.* "$WORK"/*.dsc
  apt-get source --download-only kubernetes >/dev/null
  orig=$(ls kubernetes_*.orig.tar.* | head -n1)
  mkdir -p src
  tar -xf "$orig" -C src --strip-components=1
  touch "$WORK/src.done"
fi

export GOPATH="$WORK/gopath"
export GO111MODULE=off
export GOFLAGS=
mkdir -p "$GOPATH/src/k8s.io"
ln -sfn "$WORK/src" "$GOPATH/src/k8s.io/kubernetes"
cd "$GOPATH/src/k8s.io/kubernetes"

if [ ! -f "$WORK/generated.done" ]; then
  log "make generated_files (about 3 minutes)"
  make generated_files >/dev/null 2>&1
  touch "$WORK/generated.done"
fi

LD=""
for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  LD="$LD -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20 -X $pkg.gitTreeState=clean"
  LD="$LD -X $pkg.gitCommit=faecb196815e248d3ecfb03c680a4507229c2a56 -X $pkg.buildDate=2021-01-13T13:20:00Z"
done
log "go build kubectl"
go build -ldflags "-s -w $LD" -o "$BIN_DIR/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
mv "$BIN_DIR/kubectl.tmp" "$BIN_DIR/kubectl"
# Keep only the binary (the source tree and Go build cache are several GB).
rm -rf "$WORK"
go clean -cache 2>/dev/null || true
log "built in $(( $(date +%s) - start ))s"
echo "$BIN_DIR/kubectl"
