#!/usr/bin/env bash
# Builds (once per machine) the real control plane the test suite runs against:
# kube-apiserver and kube-controller-manager 1.20.2 from Debian's `kubernetes` source package,
# plus Debian's etcd-server. Binaries are cached; a second call returns in milliseconds.
# Other commands of the same source tree are built on request: `build.sh kubectl` (the benchmark's
# manual procedure needs it). Prints the bin dir.
#
# Why from source: no container runtime, no kind/k3s, no downloads beyond Debian and npm here.
# Why 1.20.2: it is the Kubernetes version of the ASK clusters this action targets first.
set -euo pipefail

CACHE_DIR="${ASK_ISTIO_CLUSTER_CACHE:-$HOME/.cache/ask-istio-action/k8s-1.20.2}"
BIN_DIR="$CACHE_DIR/bin"
K8S_VERSION=v1.20.2

log() { printf '[cluster-build] %s\n' "$*" >&2; }

# The commands to build: the control plane by default.
if [ "$#" -gt 0 ]; then CMDS=("$@"); else CMDS=(kube-apiserver kube-controller-manager); fi

have_binaries() {
  for cmd in "${CMDS[@]}"; do [ -x "$BIN_DIR/$cmd" ] || return 1; done
  command -v etcd >/dev/null 2>&1
}

if have_binaries; then
  log "cached binaries present in $BIN_DIR"
  echo "$BIN_DIR"
  exit 0
fi

# One build at a time: a concurrent caller waits for the first and then finds the binaries.
mkdir -p "$BIN_DIR"
exec 9>"$CACHE_DIR/build.lock"
flock 9
if have_binaries; then
  echo "$BIN_DIR"
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# Debian source entries, reusing the URI of the machine's own deb822 source list (no host hard-coded).
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
}

start=$(date +%s)
ensure_deb_src
log "apt-get update + build dependencies"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq golang-go etcd-server rsync jq dpkg-dev golang-github-modern-go-reflect2-dev openssl >/dev/null
# etcd-server starts a system service on install; the tests run their own etcd.
$SUDO systemctl stop etcd 2>/dev/null || $SUDO service etcd stop 2>/dev/null || pkill -x etcd 2>/dev/null || true

WORK="$CACHE_DIR/work"
mkdir -p "$WORK" "$BIN_DIR"
cd "$WORK"
if [ ! -f "$WORK/src.done" ]; then
  log "downloading Debian's kubernetes source package"
  rm -rf "$WORK"/src "$WORK"/*.tar.* "$WORK"/*.dsc
  apt-get source --download-only kubernetes >/dev/null
  orig=$(ls kubernetes_*.orig.tar.* | head -n1)
  mkdir -p src
  tar -xf "$orig" -C src --strip-components=1
  # reflect2 1.0.1 crashes the apiserver under Go >= 1.18 once a mutating webhook returns a patch.
  # Replace the whole package (1.0.2 renamed files, so copying over 1.0.1 would leave duplicates).
  rm -f src/vendor/github.com/modern-go/reflect2/*.go src/vendor/github.com/modern-go/reflect2/*.s
  cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s \
    src/vendor/github.com/modern-go/reflect2/
  sed -i 's#^\# github.com/modern-go/reflect2 v1.0.1#\# github.com/modern-go/reflect2 v1.0.2#' src/vendor/modules.txt
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
for cmd in "${CMDS[@]}"; do
  if [ ! -x "$BIN_DIR/$cmd" ]; then
    log "go build $cmd"
    go build -ldflags "-s -w $LD" -o "$BIN_DIR/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    mv "$BIN_DIR/$cmd.tmp" "$BIN_DIR/$cmd"
  fi
done
# The sources and Go build cache are no longer needed; keep only the binaries.
rm -rf "$WORK"
go clean -cache 2>/dev/null || true
log "built in $(( $(date +%s) - start ))s"
echo "$BIN_DIR"
