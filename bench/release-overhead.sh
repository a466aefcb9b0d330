#!/usr/bin/env bash
# What the wrapper adds over the raw Helm command, on the local control plane:
# `history` and `upgrade` (same chart, same values, both waiting and rolling back
# on failure), for Helm 3 and Helm 4. The wrapper is bin/goservice, the command
# the plugin runs on Linux; `helm goservice` adds Helm's own start to dispatch the
# plugin. Runs alternate raw / wrapper / plugin / bare Node (and, for upgrade, the
# wrapper without its watch: --quiet --no-fail-fast) so drift affects all alike;
# each figure is a difference of medians. Helm runs through a shim that logs when
# it starts and ends (the raw runs too, so both pay for it), which gives a second,
# steadier figure: the wrapper's own time per run, its wall time minus Helm's.
# (A no-change upgrade's own run-to-run spread is ~100 ms between quartiles,
# enough to move a difference of two 21-run medians by tens of ms.)
#
#   bench/release-overhead.sh [RUNS]     (default 11; needs npm run build,
#                                         scripts/tools.sh and a cluster that
#                                         scripts/cluster.sh up can start)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-11}"
BIN="$ROOT/.tools/bin"
WORK="$(mktemp -d)"
export KUBECONFIG="$ROOT/.tools/cluster/kubeconfig"
# HELM_PLUGINS under HELM_DATA_HOME: where Helm 4.3.1 installs local plugins.
export HELM_PLUGINS="$WORK/data/plugins" HELM_CONFIG_HOME="$WORK/config" HELM_CACHE_HOME="$WORK/cache" HELM_DATA_HOME="$WORK/data"
NAMESPACES=()
trap 'rm -rf "$WORK"; [ ${#NAMESPACES[@]} -eq 0 ] || "$BIN/kubectl" delete ns --wait=false "${NAMESPACES[@]}" >/dev/null 2>&1 || true' EXIT

log() { printf '[bench] %s\n' "$*" >&2; }

# ms CMD...: wall time of CMD in milliseconds; CMD must succeed.
ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# timed CMD...: "WALL OWN HELM" in ms: CMD's wall time, that minus the time Helm
# ran in it (the shim's log), and that time.
timed() {
  local t0 t1 helm_ns
  : >"$WORK/spans"
  t0=$(date +%s%N)
  "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; return 1; }
  t1=$(date +%s%N)
  helm_ns=$(awk '{s += $2 - $1} END {print s + 0}' "$WORK/spans")
  echo "$(((t1 - t0) / 1000000)) $(((t1 - t0 - helm_ns) / 1000000)) $((helm_ns / 1000000))"
}

# sq S: S single-quoted for sh.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

bash "$ROOT/scripts/cluster.sh" up >/dev/null
cp -R "$ROOT/test/fixtures/hello" "$WORK/hello"
(cd "$WORK/hello" && node "$ROOT/bin/run.js" create hello >/dev/null)
CHART="$WORK/hello/charts/hello"
echo '{}' >"$WORK/values.yaml"
"$BIN/helm4" plugin install "$ROOT" >/dev/null

printf '| Helm | command | raw helm (ms) | bin/goservice (ms) | helm goservice (ms) | added by the wrapper (ms) | wrapper'"'"'s own time per run (ms) | Helm inside the wrapper (ms) | added via helm plugin (ms) | of which the watch (ms) | bare node start (ms) |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for major in 3 4; do
  # one shim per Helm: the wrapper caches `helm version` by HELM_BIN's file
  helm="$WORK/helm$major"
  # shellcheck disable=SC2016 # $(date ...), "$@" and $rc are the shim's own
  printf '#!/bin/sh\nstart=$(date +%%s%%N)\n%s "$@"\nrc=$?\necho "$start $(date +%%s%%N)" >>%s\nexit $rc\n' "$(sq "$BIN/helm$major")" "$(sq "$WORK/spans")" >"$helm"
  chmod +x "$helm"
  ns="bench-helm$major-$$"
  NAMESPACES+=("$ns")
  "$BIN/kubectl" create namespace "$ns" >/dev/null
  wrap() { (cd "$WORK/hello" && HELM_BIN="$helm" HELM_NAMESPACE="$ns" "$ROOT/bin/goservice" "$@"); }
  plug() { (cd "$WORK/hello" && "$BIN/helm$major" goservice "$@" -n "$ns"); }
  atomic=--atomic wait=--wait
  [ "$major" = 4 ] && atomic=--rollback-on-failure wait=--wait=watcher
  wrap upgrade hello --timeout 2m >/dev/null
  for cmd in history upgrade; do
    if [ "$cmd" = history ]; then
      raw=("$helm" history hello -n "$ns" -o json); args=(history hello --json)
    else
      raw=("$helm" upgrade hello "$CHART" --install -n "$ns" -f "$WORK/values.yaml" --timeout 2m -o json "$wait" "$atomic"); args=(upgrade hello --timeout 2m)
    fi
    : >"$WORK/raw"; : >"$WORK/wrap"; : >"$WORK/plug"; : >"$WORK/node"; : >"$WORK/nowatch"
    log "helm$major $cmd: $RUNS runs each"
    for _ in $(seq "$RUNS"); do
      ms "${raw[@]}" >>"$WORK/raw"
      timed wrap "${args[@]}" >>"$WORK/wrap"
      ms plug "${args[@]}" >>"$WORK/plug"
      [ "$cmd" = history ] || ms wrap "${args[@]}" --quiet --no-fail-fast >>"$WORK/nowatch"
      ms node -e 0 >>"$WORK/node" # the floor of any Node.js CLI on this machine, now
    done
    r=$(median <"$WORK/raw"); w=$(cut -d' ' -f1 "$WORK/wrap" | median); o=$(cut -d' ' -f2 "$WORK/wrap" | median); h=$(cut -d' ' -f3 "$WORK/wrap" | median); p=$(median <"$WORK/plug"); n=$(median <"$WORK/node")
    watch=-; [ "$cmd" = history ] || watch=$((w - $(median <"$WORK/nowatch")))
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$("$helm" version --short)" "$cmd" "$r" "$w" "$p" $((w - r)) "$o" "$h" $((p - r)) "$watch" "$n"
  done
done
