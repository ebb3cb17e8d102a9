#!/usr/bin/env bash
# Builds the envtest control-plane binaries (kube-apiserver, etcd) from Go
# modules into a per-user cache folder keyed by version. Only the Go module
# proxy is contacted. Usage: tools/envtest/build.sh DEST_DIR
set -euo pipefail
dest=${1:?usage: build.sh DEST_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dest"

build() { # name module-dir package [ldflags]
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-}
  if [[ -x "$dest/$name" ]]; then
    echo "envtest: $name cached at $dest/$name"
    return
  fi
  echo "envtest: building $name from Go modules (first time only; kube-apiserver takes several minutes on 2 cores)..."
  local start=$SECONDS tmp
  tmp=$(mktemp "$dest/.$name.XXXXXX")
  (cd "$here/$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp" "$pkg")
  chmod +x "$tmp"
  mv -f "$tmp" "$dest/$name" # atomic, so a parallel or interrupted build never leaves half a binary
  echo "envtest: built $name in $((SECONDS - start))s"
}

build etcd etcd .
# Stamp the version so clients (kubectl version, discovery) see a real release.
k8s_version=v1.37.2
v=k8s.io/component-base/version
build kube-apiserver apiserver k8s.io/kubernetes/cmd/kube-apiserver \
  "-X $v.gitVersion=$k8s_version -X $v.gitMajor=1 -X $v.gitMinor=37 -X $v.gitTreeState=clean"
