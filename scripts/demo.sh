#!/usr/bin/env bash
# The whole product in one run (npm run demo): build the plugin, install the
# pinned Helm 3 and Helm 4, install the plugin into an isolated HELM_PLUGINS,
# generate the chart for the bundled sample service, lint it with both Helms,
# start the local control plane and registry and walk the release flow: install,
# bump, upgrade, history, rollback; then publish the image and chart to the
# registry, list the versions, diff, upgrade by reference, watch a failing
# upgrade be stopped, explained and rolled back, and roll back by chart version.
# Nothing outside a temp dir, the tool cache and the git-ignored .tools/ is
# touched; the control plane is stopped at the end if this script started it.
#
#   scripts/demo.sh            the flow runs through Helm 4
#   DEMO_HELM=helm3 scripts/demo.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
HELM_NAME="${DEMO_HELM:-helm4}"
NS=goservice-demo

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "Building the plugin (npm ci when needed, then npm run build)"
cd "$ROOT"
[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
npm run --silent build

step "Installing pinned Helm 3 and Helm 4 and the control-plane binaries (scripts/tools.sh; the first run builds them from source and takes a few minutes)"
bash scripts/tools.sh

WORK="$(mktemp -d "${TMPDIR:-/tmp}/goservice-demo.XXXXXX")"
# Helm 4.3.1 installs a local plugin under $HELM_DATA_HOME/plugins whatever
# HELM_PLUGINS says, so both point there.
export HELM_PLUGINS="$WORK/helm/data/plugins" HELM_CONFIG_HOME="$WORK/helm/config" \
  HELM_CACHE_HOME="$WORK/helm/cache" HELM_DATA_HOME="$WORK/helm/data"
HELM="$BIN/$HELM_NAME"
CLUSTER_STARTED=0
cleanup() {
  if [ "$CLUSTER_STARTED" = 1 ]; then
    step "Stopping the local control plane"
    bash "$ROOT/scripts/cluster.sh" down || true
  elif [ -n "${KUBECONFIG:-}" ]; then
    "$BIN/kubectl" delete namespace "$NS" --wait=false --ignore-not-found >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step "Installing the plugin into an isolated HELM_PLUGINS ($HELM_PLUGINS) with helm plugin install ."
show "$HELM" plugin install "$ROOT"
show "$HELM" plugin list

step "Generating the chart and Dockerfile for the sample service (a copy of test/fixtures/hello)"
cp -R "$ROOT/test/fixtures/hello" "$WORK/hello"
cd "$WORK/hello"
show "$HELM" goservice create hello
ls charts/hello charts/hello/templates

step "Linting the chart with both Helms"
show "$BIN/helm3" lint --strict charts/hello
show "$BIN/helm4" lint --strict charts/hello

step "Starting the local control plane (kube-apiserver, etcd, scheduler, controllers, 3 kwok nodes)"
bash "$ROOT/scripts/cluster.sh" status >/dev/null 2>&1 || CLUSTER_STARTED=1
bash "$ROOT/scripts/cluster.sh" up
export KUBECONFIG="$ROOT/.tools/cluster/kubeconfig"

step "Installing: values are validated locally first, then helm upgrade --install waits and rolls back on failure"
show "$HELM" goservice upgrade hello -n "$NS" --create-namespace --timeout 2m

step "Bumping the chart to the next minor version, with a new app version (image.tag follows appVersion)"
show "$HELM" goservice bump minor --app-version 0.2.0
grep -E '^(version|appVersion):' charts/hello/Chart.yaml

step "Upgrading to the bumped chart"
show "$HELM" goservice upgrade hello -n "$NS" --timeout 2m

step "Invalid values never reach the cluster"
show "$HELM" goservice upgrade hello -n "$NS" --set resources.limits.memory=1GB || echo "(refused as expected, exit $?)"

step "History (* marks the live revision)"
show "$HELM" goservice history hello -n "$NS"

step "Rolling back to the last good revision"
show "$HELM" goservice rollback hello -n "$NS" --timeout 2m

step "History again, read through the other Helm major: same release, same shape"
OTHER=helm3; [ "$HELM_NAME" = helm3 ] && OTHER=helm4
show "$BIN/$OTHER" goservice history hello -n "$NS"

step "Publishing: log in to the local registry (TLS from the local CA, basic auth) with Helm's own login"
# shellcheck source=/dev/null
. "$ROOT/.tools/cluster/registry.env"
printf '%s\n' "$REGISTRY_PASSWORD" | "$HELM" registry login "$REGISTRY" -u "$REGISTRY_USER" --password-stdin --ca-file "$REGISTRY_CA"
OCI="oci://$REGISTRY/demo"

step "Image builds use buildah with local stand-ins for the base images (no outside registry is reachable here)"
bash "$ROOT/scripts/buildah.sh" >/dev/null
bash "$ROOT/scripts/base-images.sh" "$(sed -n 's/^ARG GO_VERSION=//p' Dockerfile)"
# shellcheck source=/dev/null
. "$ROOT/scripts/buildah-local.sh"  # the store, isolation and cache directory buildah uses here

step "publish: build and push the image, then package and push a chart version that pins its digest"
show "$HELM" goservice publish --registry "$OCI" --ca-file "$REGISTRY_CA" --bump patch
VERSION="$(sed -n 's/^version: *//p' charts/hello/Chart.yaml | tr -d "\"'")"

step "Published chart versions, newest first"
show "$HELM" goservice versions "$OCI/charts/hello" --ca-file "$REGISTRY_CA"

step "diff: what upgrading to the published version would change, against the live objects"
show "$HELM" goservice diff hello "$OCI/charts/hello" --version "$VERSION" --ca-file "$REGISTRY_CA" -n "$NS" || true

step "Upgrading by reference: the pods run the image by digest"
show "$HELM" goservice upgrade hello "$OCI/charts/hello" --version "$VERSION" --ca-file "$REGISTRY_CA" -n "$NS" --timeout 2m
"$BIN/kubectl" get deployment hello -n "$NS" -o jsonpath='{.spec.template.spec.containers[0].image}{"\n"}'

step "A failing upgrade (required node affinity no node matches) is stopped early, explained and rolled back"
printf 'nodeAffinity:\n  required:\n    - key: disktype\n      operator: In\n      values: [nvme]\n' >"$WORK/no-such-node.yaml"
show "$HELM" goservice upgrade hello "$OCI/charts/hello" --version "$VERSION" --ca-file "$REGISTRY_CA" -n "$NS" \
  -f "$WORK/no-such-node.yaml" --timeout 5m || echo "(stopped as expected, exit $?)"

step "Rolling back by chart version to the one deployed from the working copy"
show "$HELM" goservice rollback hello -n "$NS" --to-chart-version 0.2.0 --timeout 2m
show "$HELM" goservice history hello -n "$NS"

step "Done"
