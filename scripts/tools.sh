#!/usr/bin/env bash
# Builds the pinned tools the tests and the demo run against, from Go source,
# through the Go module proxy configured on this machine.
#
#   scripts/tools.sh [all|helm|cluster|extra]
#
#   helm     Helm 3 and Helm 4
#   cluster  kube-apiserver, controller-manager, scheduler, kubectl, etcd, kwok
#   extra    the OCI registry (CNCF Distribution), actionlint, kube-score,
#            gitlab-ci-local, and the CRDs `cluster up` applies (Gateway API,
#            prometheus-operator)
#
# Binaries are cached outside the repository, keyed by version:
#   ${GOSERVICE_CACHE:-$HOME/.cache/goservice}/<name>-<version>/<binary>
# and copied into the git-ignored .tools/bin/ of the repository. Each build records
# how long it took in <name>-<version>/.complete ("123s"; bench/tools-build.sh reads it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${GOSERVICE_CACHE:-$HOME/.cache/goservice}"
BIN="$ROOT/.tools/bin"

HELM3_VERSION=v3.22.0
HELM4_VERSION=v4.3.1
# The Kubernetes version is pinned in scripts/k8s/go.mod; the others here.
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.8.0
REGISTRY_VERSION=v3.1.2
ACTIONLINT_VERSION=v1.7.12
KUBE_SCORE_VERSION=v1.20.0
GATEWAY_API_VERSION=v1.6.3
PROM_OPERATOR_VERSION=v0.85.0
GITLAB_CI_LOCAL_VERSION=4.60.1

log() { printf '[tools] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BIN" "$CACHE/.gotmp"
# Keep the compiler's scratch files next to the cache, away from /tmp cleanups.
export GOTMPDIR="$CACHE/.gotmp"

# install_file SRC DEST: hard-link (or copy) a cached binary into .tools/bin.
install_file() {
  local src=$1 dest=$2
  if [[ "$src" -ef "$dest" ]] || { [[ -e "$dest" ]] && cmp -s "$src" "$dest"; }; then return; fi
  rm -f "$dest"
  ln "$src" "$dest" 2>/dev/null || cp "$src" "$dest"
  chmod +x "$dest"
}

# elapsed START: seconds since START (from `date +%s`).
elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

# go_install_cmd DIR NAME MODULE_PATH VERSION CMD_PKG LDFLAGS
# Builds CMD_PKG of MODULE_PATH@VERSION into DIR/NAME. Tries `go install pkg@version`
# first; when the module refuses that (replace/exclude directives in its
# go.mod), builds it from a throwaway wrapper module that requires it.
go_install_cmd() {
  local dir=$1 name=$2 mod=$3 ver=$4 pkg=$5 ldflags=$6
  local tmp
  tmp="$(mktemp -d "$CACHE/.tmp.XXXXXX")"
  mkdir -p "$dir"
  if GOBIN="$tmp/bin" go install -trimpath -ldflags "$ldflags" "$pkg@$ver" 2>"$tmp/install.err"; then
    :
  elif grep -qE 'replace|exclude|must not contain directives' "$tmp/install.err"; then
    log "  $mod@$ver cannot be built with 'go install'; using a wrapper module"
    mkdir -p "$tmp/wrap"
    (
      cd "$tmp/wrap"
      go mod init goservice.local/wrap >/dev/null 2>&1
      printf '//go:build tools\n\npackage wrap\n\nimport _ "%s"\n' "$pkg" >tools.go
      { go get "$pkg@$ver" && go mod tidy; } >"$tmp/get.log" 2>&1 || { cat "$tmp/get.log" >&2; exit 1; }
      GOBIN="$tmp/bin" go install -trimpath -ldflags "$ldflags" "$pkg"
    ) || { rm -rf "$tmp"; return 1; }
  else
    cat "$tmp/install.err" >&2
    rm -rf "$tmp"
    return 1
  fi
  mv "$tmp/bin/"* "$dir/$name"
  rm -rf "$tmp"
}

# ---------------------------------------------------------------- helm
# helm's version normally comes from -X ldflags; inject it so that
# `helm version --short` reports the pinned version.
build_helm() {
  local major=$1 ver=$2
  local dir="$CACHE/helm-$ver-2"  # -N: bump when the build recipe changes
  if [[ ! -x "$dir/helm" ]]; then
    local t0; t0=$(date +%s)
    log "building helm $ver (go install helm.sh/helm/v$major/cmd/helm@$ver) ..."
    local x="helm.sh/helm/v$major/internal/version" k8s=""
    # Helm 3 takes the Kubernetes version it renders for (.Capabilities, kubeVersion
    # checks) from ldflags too; without them it assumes v1.20. Helm's Makefile sets
    # them from its client-go (v0.37 for v3.22).
    [[ $major == 3 ]] && for p in pkg/chartutil pkg/lint/rules; do
      k8s+=" -X helm.sh/helm/v3/$p.k8sVersionMajor=1 -X helm.sh/helm/v3/$p.k8sVersionMinor=37"
    done
    go_install_cmd "$dir.tmp" helm "helm.sh/helm/v$major" "$ver" "helm.sh/helm/v$major/cmd/helm" \
      "-s -w -X $x.version=$ver -X $x.gitTreeState=clean$k8s"
    elapsed "$t0" >"$dir.tmp/.complete"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "built helm $ver in $(elapsed "$t0")"
  fi
  install_file "$dir/helm" "$BIN/helm$major"
  local got; got="$("$BIN/helm$major" version --short 2>/dev/null || true)"
  [[ "$got" == "$ver"* ]] || die "$BIN/helm$major reports '$got', expected $ver"
  log "helm$major: $got -> .tools/bin/helm$major"
}

tools_helm() {
  # Both helms build in parallel: they share most dependencies and the link
  # steps are single-threaded.
  local pids=() rc=0
  build_helm 3 "$HELM3_VERSION" & pids+=($!)
  build_helm 4 "$HELM4_VERSION" & pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return "$rc"
}

# ------------------------------------------------------------- cluster
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl, built
# from the wrapper module in scripts/k8s (pins k8s.io/kubernetes).
K8S_MOD="$ROOT/scripts/k8s"
K8S_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

build_k8s() {
  local ver; ver="$(cd "$K8S_MOD" && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
  # Key the cache by version and by the exact dependency set.
  local sum; sum="$(cat "$K8S_MOD/go.mod" "$K8S_MOD/go.sum" | sha256sum | cut -c1-12)"
  local dir="$CACHE/kubernetes-$ver-$sum"
  if [[ ! -f "$dir/.complete" ]]; then
    local t0; t0=$(date +%s)
    log "building ${K8S_CMDS[*]} $ver (cold build: several minutes) ..."
    local minor=${ver#v1.}; minor=${minor%%.*}
    local ldflags="-s -w" p k
    for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
      for k in "gitVersion=$ver" "gitMajor=1" "gitMinor=$minor" "gitTreeState=clean"; do
        ldflags+=" -X $p.$k"
      done
    done
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    (
      cd "$K8S_MOD"
      # One invocation: the commands share almost all packages.
      CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dir.tmp/" \
        "${K8S_CMDS[@]/#/k8s.io/kubernetes/cmd/}"
    ) &
    progress $! "kubernetes $ver" || die "building kubernetes $ver failed"
    echo "$(elapsed "$t0")" >"$dir.tmp/.complete"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "built kubernetes $ver in $(cat "$dir/.complete")"
  fi
  for c in "${K8S_CMDS[@]}"; do install_file "$dir/$c" "$BIN/$c"; done
  log "kubernetes $ver: ${K8S_CMDS[*]} -> .tools/bin/"
}

# build_simple NAME MODULE VERSION PKG: one command, one cache directory.
build_simple() {
  local name=$1 mod=$2 ver=$3 pkg=$4
  local dir="$CACHE/$name-$ver"
  if [[ ! -x "$dir/$name" ]]; then
    local t0; t0=$(date +%s)
    log "building $name $ver ($pkg@$ver) ..."
    rm -rf "$dir.tmp"
    CGO_ENABLED=0 go_install_cmd "$dir.tmp" "$name" "$mod" "$ver" "$pkg" "-s -w" &
    progress $! "$name $ver" || die "building $name $ver failed"
    elapsed "$t0" >"$dir.tmp/.complete"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "built $name $ver in $(elapsed "$t0")"
  fi
  install_file "$dir/$name" "$BIN/$name"
  log "$name $ver -> .tools/bin/$name"
}

# kwok needs Stage objects to drive node heartbeats and pod lifecycles; the
# defaults kwokctl uses ship in the kwok module (kustomize/stage). Collect them
# into one config file next to the binary.
kwok_stages() {
  local dir="$CACHE/kwok-$KWOK_VERSION" src
  if [[ ! -s "$dir/stages.yaml" ]]; then
    src="$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    [[ -d "$src" ]] || die "kwok $KWOK_VERSION source not found in the module cache"
    local f first=1
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      ((first)) || echo "---"
      first=0
      cat "$src/kustomize/stage/$f"
    done >"$dir/stages.yaml.tmp"
    mv "$dir/stages.yaml.tmp" "$dir/stages.yaml"
  fi
  mkdir -p "$ROOT/.tools/share"
  install_file "$dir/stages.yaml" "$ROOT/.tools/share/kwok-stages.yaml"
}

# progress PID LABEL: wait for a background build, printing a line every
# 30 seconds so that a long cold build visibly makes progress.
progress() {
  local pid=$1 label=$2 t0 next=30
  t0=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( $(date +%s) - t0 >= next )); then
      log "  ... $label: $(elapsed "$t0")"
      next=$((next + 30))
    fi
  done
  wait "$pid"
}

tools_cluster() {
  build_k8s
  build_simple etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3
  build_simple kwok sigs.k8s.io/kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok
  kwok_stages
}

# ---------------------------------------------------------------- extra
# module_dir MODULE VERSION: the module's source in the Go module cache.
module_dir() {
  local d
  d="$(go mod download -json "$1@$2" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$d" ]] || die "$1@$2 not found in the Go module cache"
  echo "$d"
}

# The CRDs of the custom resources a generated chart can render, from the
# projects' own modules: Gateway API's standard channel and prometheus-operator's
# ServiceMonitor. `cluster up` applies every file in .tools/share/crds/.
crds() {
  local dir="$CACHE/crds-gateway-api-$GATEWAY_API_VERSION-prom-$PROM_OPERATOR_VERSION" src f
  if [[ ! -s "$dir/.complete" ]]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    src="$(module_dir sigs.k8s.io/gateway-api "$GATEWAY_API_VERSION")"
    for f in "$src"/config/crd/standard/gateway.networking.k8s.io_*.yaml; do
      cp "$f" "$dir.tmp/"
    done
    src="$(module_dir github.com/prometheus-operator/prometheus-operator "$PROM_OPERATOR_VERSION")"
    cp "$src/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" "$dir.tmp/"
    chmod 644 "$dir.tmp"/*.yaml
    date +%s >"$dir.tmp/.complete"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  rm -rf "$ROOT/.tools/share/crds" && mkdir -p "$ROOT/.tools/share/crds"
  for f in "$dir"/*.yaml; do install_file "$f" "$ROOT/.tools/share/crds/${f##*/}"; done
  log "CRDs: Gateway API $GATEWAY_API_VERSION (standard), ServiceMonitor $PROM_OPERATOR_VERSION -> .tools/share/crds/"
}

# gitlab-ci-local runs GitLab pipelines locally; an npm package, installed
# into the cache and linked into .tools/bin.
gitlab_ci_local() {
  local dir="$CACHE/gitlab-ci-local-$GITLAB_CI_LOCAL_VERSION"
  if [[ ! -x "$dir/node_modules/.bin/gitlab-ci-local" ]]; then
    local t0; t0=$(date +%s)
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    npm install --prefix "$dir.tmp" --no-audit --no-fund --no-save --loglevel=error \
      "gitlab-ci-local@$GITLAB_CI_LOCAL_VERSION" >&2 || die "installing gitlab-ci-local failed"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    log "installed gitlab-ci-local $GITLAB_CI_LOCAL_VERSION in $(elapsed "$t0")"
  fi
  ln -sfn "$dir/node_modules/.bin/gitlab-ci-local" "$BIN/gitlab-ci-local"
  log "gitlab-ci-local $GITLAB_CI_LOCAL_VERSION -> .tools/bin/gitlab-ci-local"
}

tools_extra() {
  # Small builds: two at a time, one per core.
  local pids=() rc=0 p
  build_simple registry github.com/distribution/distribution/v3 "$REGISTRY_VERSION" \
    github.com/distribution/distribution/v3/cmd/registry & pids+=($!)
  build_simple actionlint github.com/rhysd/actionlint "$ACTIONLINT_VERSION" \
    github.com/rhysd/actionlint/cmd/actionlint & pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "building the registry or actionlint failed"
  build_simple kube-score github.com/zegl/kube-score "$KUBE_SCORE_VERSION" \
    github.com/zegl/kube-score/cmd/kube-score
  crds
  gitlab_ci_local
}

main() {
  local t0; t0=$(date +%s)
  # Concurrent runs (several test suites, people) wait for one another.
  exec 8>"$CACHE/.lock"
  flock 8
  case "${1:-all}" in
    helm) tools_helm ;;
    cluster) tools_cluster ;;
    extra) tools_extra ;;
    # One statement each: in `a && b`, bash ignores `set -e` inside `a`.
    all)
      tools_helm
      tools_cluster
      tools_extra
      ;;
    *) die "usage: $0 [all|helm|cluster|extra]" ;;
  esac
  log "done in $(elapsed "$t0")"
}

main "$@"
exit
