#!/usr/bin/env bash
# helm goservice publish on the withdeps sample, against the local registry
# (TLS + htpasswd, scripts/cluster.sh) with buildah's local store: one cold run
# (an empty repository; a go.mod and a source never built before, so every build
# step from COPY go.mod on runs, go mod download included, with Go's module
# cache mount warm) and RUNS warm runs (a code-only change each), for Helm 3 and
# Helm 4. Blobs: uploaded / mounted from another repository of the registry. The split
# comes from publish --json's timings; "beyond build" is the wall time of the
# whole command minus the image build, the figure the goal (<= 2 s warm) is about.
#
#   bench/publish.sh [RUNS]     (default 5; needs npm run build, scripts/tools.sh,
#                                buildah and a cluster that scripts/cluster.sh up can start)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-5}"
BIN="$ROOT/.tools/bin"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LOG="$ROOT/.tools/cluster/logs/registry.log"

bash "$ROOT/scripts/cluster.sh" up >/dev/null
# shellcheck disable=SC1091
. "$ROOT/scripts/buildah-local.sh" # CONTAINERS_STORAGE_CONF, BUILDAH_ISOLATION, TMPDIR: the local store
bash "$ROOT/scripts/base-images.sh" "$(awk '/^go /{print $2}' "$ROOT/test/fixtures/withdeps/go.mod")" >/dev/null
# shellcheck disable=SC1091
. "$ROOT/.tools/cluster/registry.env"
GOPROXY="$(go env GOPROXY)" GOFLAGS="$(go env GOFLAGS)"
export GOPROXY GOFLAGS

printf '| Helm | run | wall (ms) | build (ms) | image push (ms) | package (ms) | chart push (ms) | beyond build (ms) | blobs uploaded / mounted |\n'
printf '|---|---|---:|---:|---:|---:|---:|---:|---:|\n'
for major in 3 4; do
  export HELM_BIN="$BIN/helm$major" HELM_CONFIG_HOME="$WORK/h$major/config" HELM_CACHE_HOME="$WORK/h$major/cache" HELM_DATA_HOME="$WORK/h$major/data"
  export HELM_REGISTRY_CONFIG="$HELM_CONFIG_HOME/registry/config.json"
  "$HELM_BIN" registry login "$REGISTRY" -u "$REGISTRY_USER" --password-stdin --ca-file "$REGISTRY_CA" <<<"$REGISTRY_PASSWORD" >/dev/null 2>&1
  team="bench$major-$$-$RANDOM"
  mod="$WORK/withdeps$major"
  cp -R "$ROOT/test/fixtures/withdeps" "$mod"
  (cd "$mod" && node "$ROOT/bin/run.js" create withdeps >/dev/null)
  echo "// $team" >>"$mod/go.mod" # cold: a go.mod the layer cache has never seen
  for run in $(seq 0 "$RUNS"); do
    label=$([ "$run" = 0 ] && echo cold || echo "warm $run")
    sed -i "s/hello from withdeps[^\"]*/hello from withdeps $team-$run/" "$mod/doc.go"
    mark=$(stat -c %s "$LOG")
    t0=$(date +%s%N)
    (cd "$mod" && node "$ROOT/bin/run.js" publish --registry "oci://$REGISTRY/$team" --bump patch --ca-file "$REGISTRY_CA" --json >"$WORK/out.json" 2>"$WORK/err") || { cat "$WORK/err" >&2; exit 1; }
    t1=$(date +%s%N)
    uploaded=$(tail -c +"$((mark + 1))" "$LOG" | grep -c "\"POST /v2/$team/withdeps/blobs/uploads/ HTTP/1.1\" 202" || true)
    mounted=$(tail -c +"$((mark + 1))" "$LOG" | grep -c "\"POST /v2/$team/withdeps/blobs/uploads/?from=[^ ]* HTTP/1.1\" 201" || true)
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const t = r.timings, wall = Number(process.argv[2]);
      console.log(`| ${process.argv[3]} | ${process.argv[4]} | ${wall} | ${t.buildMs} | ${t.imagePushMs} | ${t.packageMs} | ${t.chartPushMs} | ${wall - t.buildMs} | ${process.argv[5]} |`);
    ' "$WORK/out.json" "$(((t1 - t0) / 1000000))" "$major" "$label" "$uploaded / $mounted"
  done
done
