#!/usr/bin/env bash
# Image size and rebuild benchmark on test/fixtures/withdeps:
#   - final image size: scratch and distroless (local stand-in) vs a naive
#     single-stage Dockerfile (golang base, COPY . ., go build);
#   - binary size: our flags (CGO_ENABLED=0 -trimpath -ldflags "-s -w") vs plain go build;
#   - cold build time, and rebuild time after a code-only change vs a local go build.
# Times are medians (with the range) of BENCH_RUNS runs (default 5); each run starts
# from a fresh store (so "cold" is cold: no layers, no module or build cache; base
# images are made first and not timed) and runs the naive and the generated build,
# and the image and the local rebuild, in alternating order, so drift affects both
# alike. Sizes do not vary between runs. Prints a Markdown section; sizes in MiB.
# Usage: bench/image.sh     BENCH_RUNS=3 BENCH_DRIVERS="overlay vfs" bench/image.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /var/tmp/goservice-bench.XXXXXX)"
fixture="$root/test/fixtures/withdeps"
go_version="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$fixture/go.mod")"
main=./cmd/withdeps
runs="${BENCH_RUNS:-5}"
change() { # DIR N: a code-only change not built before in this run
  sed -i "s/^const Greeting = .*/const Greeting = \"hello $2 from withdeps\"/" "$1/doc.go"
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
mib() { awk -v n="$1" 'BEGIN { printf "%.2f MiB", n / 1048576 }'; }
# summary < seconds, one a line: "MEDIAN s (MIN-MAX)"
summary() {
  sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%.1f s (%.1f-%.1f)", m, a[1], a[NR] }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
pct_smaller() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * (1 - a / b) }'; }

# Render the Dockerfiles with the real renderer (compiled from src/ on the fly).
npx --no-install tsc --outDir "$work/js" --rootDir "$root/src" --module commonjs --target ES2022 \
  --esModuleInterop --skipLibCheck --types node "$root/src/render/dockerfile.ts" "$root/src/gomod/detect.ts"
ln -s "$root/templates" "$work/templates"
ln -s "$root/node_modules" "$work/node_modules"
context() { # NAME RUNTIME: a copy of the fixture with its generated Dockerfile
  cp -r "$fixture" "$work/$1"
  node -e '
    const [js, dir, runtime] = process.argv.slice(1);
    const { detectModule, builderGoVersion } = require(js + "/gomod/detect.js");
    const { renderDockerfile } = require(js + "/render/dockerfile.js");
    const m = detectModule(dir);
    const files = renderDockerfile({ builderImage: "golang:" + builderGoVersion(m), runtime, mainPackage: m.mainPackage,
      binaryName: "withdeps", port: 8080, uid: 65532, vendored: m.vendored, hasGoSum: m.hasGoSum, chartDir: "charts/withdeps" });
    for (const [name, text] of files) require("fs").writeFileSync(dir + "/" + name, text);
  ' "$work/js" "$work/$1" "$2"
}
naive_context() {
  cp -r "$fixture" "$work/$1"
  printf '%s\n' "FROM golang:$go_version" 'WORKDIR /src' 'COPY . .' "RUN go build -o /withdeps $main" \
    'CMD ["/withdeps"]' >"$work/$1/Dockerfile"
}

# Binary sizes (they do not vary between runs).
cp -r "$fixture" "$work/local"
(cd "$work/local" && go build -o "$work/plain" "$main" \
  && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/ours" "$main")
plain=$(stat -c %s "$work/plain"); ours=$(stat -c %s "$work/ours")
local_build() { (cd "$work/local" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/ours2" "$main"); }
local_cold() { # empty module and build caches
  rm -rf "$work/gocache" "$work/gomodcache"
  (cd "$work/local" && GOCACHE="$work/gocache" GOMODCACHE="$work/gomodcache" GOFLAGS="${GOFLAGS:-} -modcacherw" \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/cold" "$main")
}
# time_into FILE CMD...: appends the seconds CMD took to FILE
time_into() { local f="$1" t0; shift; t0="$(now)"; "$@"; since "$t0" >>"$f"; echo >>"$f"; }

proxy_args=()
for k in GOPROXY GOPRIVATE GONOSUMDB GOFLAGS; do
  v="$(go env "$k")"; [ -z "$v" ] || proxy_args+=(--build-arg "$k=$v")
done

results=() local_rows=()
for driver in ${BENCH_DRIVERS:-$(. "$root/scripts/buildah-local.sh"; echo "$GOSERVICE_STORAGE_DRIVER")}; do
  export GOSERVICE_STORAGE_DRIVER="$driver"
  build() { # TAG CONTEXT (tags are prefixed: a bare "scratch" means no image to buildah)
    bah build --layers --pull=never "${proxy_args[@]}" -t "bench-$1" "$work/$2" >"$work/$driver-$1.log" 2>&1
  }
  files_bytes() { # IMAGE: bytes of the regular files in its filesystem
    local ctr mnt n
    ctr="$(bah from --pull=never "bench-$1")"; mnt="$(bah mount "$ctr")"
    n="$(find "$mnt" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
    bah rm "$ctr" >/dev/null; echo "$n"
  }
  t="$work/times-$driver"; mkdir -p "$t"
  for i in $(seq "$runs"); do
    # A fresh store for every run: nothing cached but the (untimed) base images.
    rm -rf "$work/cache-$driver" "$work"/{distroless,scratch,naive}-"$driver"
    export GOSERVICE_CACHE="$work/cache-$driver"
    . "$root/scripts/buildah-local.sh"
    bash "$root/scripts/base-images.sh" "$go_version" >/dev/null
    context distroless-$driver distroless; context scratch-$driver scratch; naive_context naive-$driver
    if (( i % 2 )); then
      time_into "$t/cold" build distroless distroless-$driver; time_into "$t/naive" build naive naive-$driver
      time_into "$t/local_cold" local_cold
    else
      time_into "$t/local_cold" local_cold
      time_into "$t/naive" build naive naive-$driver; time_into "$t/cold" build distroless distroless-$driver
    fi
    time_into "$t/noop" build distroless distroless-$driver
    change "$work/distroless-$driver" "$i"; change "$work/local" "$i"
    if (( i % 2 )); then
      time_into "$t/rebuild" build distroless distroless-$driver; time_into "$t/local" local_build
    else
      time_into "$t/local" local_build; time_into "$t/rebuild" build distroless distroless-$driver
    fi
    log="$work/$driver-distroless.log"
    awk '/STEP .*go mod download/ { s = 1; next } s && /^--> Using cache/ { print "yes"; exit } s && /STEP/ { print "no"; exit }' "$log" >>"$t/download_cached"
    { grep -c 'go: downloading' "$log" || true; } >>"$t/downloads"
    if (( i == runs )); then
      build scratch scratch-$driver
      naive=$(files_bytes naive); scratch=$(files_bytes scratch); distroless=$(files_bytes distroless)
    fi
    bah rm --all >/dev/null
  done
  ratio=$(awk -v a="$(median <"$t/rebuild")" -v b="$(median <"$t/local")" 'BEGIN { printf "%.1fx", a / b }')
  results+=("| $driver | $(mib "$naive") | $(mib "$scratch") ($(pct_smaller "$scratch" "$naive") smaller, +$(mib $((scratch - ours))) over the binary) | $(mib "$distroless") ($(pct_smaller "$distroless" "$naive") smaller) | $(summary <"$t/naive") | $(summary <"$t/cold") | $(summary <"$t/noop") | $(summary <"$t/rebuild") (download layer cached: $(sort -u "$t/download_cached" | paste -sd/), modules downloaded: $(sort -u "$t/downloads" | paste -sd/)) | $ratio |")
  local_rows+=("| $driver runs | $(summary <"$t/local_cold") | $(summary <"$t/local") |")
done

cat <<MD
Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM
(shared), $(go version | cut -d' ' -f3) (builder image tagged golang:$go_version holds this toolchain),
$(buildah --version | cut -d' ' -f1-3), chroot isolation; base images are the local stand-ins of
scripts/base-images.sh. Sizes are the bytes of the files in each image's filesystem, in MiB
(1 MiB = 1,048,576 bytes). Times: median (min-max) of $runs runs, fresh store each run.

Binary (withdeps): plain \`go build\` $(mib "$plain"), with \`CGO_ENABLED=0 -trimpath -ldflags "-s -w"\`
$(mib "$ours") ($(pct_smaller "$ours" "$plain") smaller).

| storage | naive single-stage | scratch | distroless | naive build | cold build (distroless) | rebuild, nothing changed | rebuild after a .go change | rebuild / local go build (medians) |
|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${results[@]}")

Local \`go build\` with our flags, alternating with the image builds above:

| | cold (empty module and build caches) | after the same .go change (warm caches) |
|---|---|---|
$(printf '%s\n' "${local_rows[@]}")
MD
rm -rf "$work"
