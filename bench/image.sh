#!/usr/bin/env bash
# Image size and rebuild benchmark on test/fixtures/withdeps, one run on one machine:
#   - final image size: scratch and distroless (local stand-in) vs a naive
#     single-stage Dockerfile (golang base, COPY . ., go build);
#   - binary size: our flags (CGO_ENABLED=0 -trimpath -ldflags "-s -w") vs plain go build;
#   - cold build time, and rebuild time after a code-only change vs a local go build.
# Each storage driver gets a fresh store (so "cold" is cold: no layers, no module or
# build cache); base images are made first and not timed. Prints a Markdown section.
# Usage: bench/image.sh            BENCH_DRIVERS="overlay vfs" bench/image.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /var/tmp/goservice-bench.XXXXXX)"
fixture="$root/test/fixtures/withdeps"
go_version="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$fixture/go.mod")"
main=./cmd/withdeps
change() { sed -i 's/hello from withdeps/hello again from withdeps/' "$1/doc.go"; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
kb() { awk -v n="$1" 'BEGIN { printf "%.0f KB", n / 1024 }'; }
mb() { awk -v n="$1" 'BEGIN { printf "%.1f MB", n / 1048576 }'; }
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

# Binary sizes, and the local incremental build the image rebuild is compared with.
cp -r "$fixture" "$work/local"
(cd "$work/local" && go build -o "$work/plain" "$main" \
  && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/ours" "$main")
t0="$(now)"  # cold: empty module and build caches
(cd "$work/local" && GOCACHE="$work/gocache" GOMODCACHE="$work/gomodcache" GOFLAGS="${GOFLAGS:-} -modcacherw" \
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/cold" "$main")
t_local_cold="$(since "$t0")"
change "$work/local"
t0="$(now)"
(cd "$work/local" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/ours2" "$main")
t_local="$(since "$t0")"
plain=$(stat -c %s "$work/plain"); ours=$(stat -c %s "$work/ours")

proxy_args=()
for k in GOPROXY GOPRIVATE GONOSUMDB GOFLAGS; do
  v="$(go env "$k")"; [ -z "$v" ] || proxy_args+=(--build-arg "$k=$v")
done

results=()
for driver in ${BENCH_DRIVERS:-$(. "$root/scripts/buildah-local.sh"; echo "$GOSERVICE_STORAGE_DRIVER")}; do
  export GOSERVICE_CACHE="$work/cache-$driver" GOSERVICE_STORAGE_DRIVER="$driver"
  . "$root/scripts/buildah-local.sh"
  bash "$root/scripts/base-images.sh" "$go_version" >/dev/null
  build() { # TAG CONTEXT (tags are prefixed: a bare "scratch" means no image to buildah)
    bah build --layers --pull=never "${proxy_args[@]}" -t "bench-$1" "$work/$2" >"$work/$driver-$1.log" 2>&1
  }
  files_bytes() { # IMAGE: bytes of the regular files in its filesystem
    local ctr mnt n
    ctr="$(bah from --pull=never "bench-$1")"; mnt="$(bah mount "$ctr")"
    n="$(find "$mnt" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
    bah rm "$ctr" >/dev/null; echo "$n"
  }

  context distroless-$driver distroless; context scratch-$driver scratch; naive_context naive-$driver
  t0="$(now)"; build distroless distroless-$driver; t_cold="$(since "$t0")"
  build scratch scratch-$driver
  t0="$(now)"; build naive naive-$driver; t_naive="$(since "$t0")"
  t0="$(now)"; build distroless distroless-$driver; t_noop="$(since "$t0")"
  change "$work/distroless-$driver"
  t0="$(now)"; build distroless distroless-$driver; t_rebuild="$(since "$t0")"
  log="$work/$driver-distroless.log"
  download_cached=$(awk '/STEP .*go mod download/ { s = 1; next } s && /^--> Using cache/ { print "yes"; exit } s && /STEP/ { print "no"; exit }' "$log")
  downloads=$(grep -c 'go: downloading' "$log" || true)

  naive=$(files_bytes naive); scratch=$(files_bytes scratch); distroless=$(files_bytes distroless)
  results+=("| $driver | $(mb "$naive") | $(kb "$scratch") ($(pct_smaller "$scratch" "$naive") smaller, +$(kb $((scratch - ours))) over the binary) | $(kb "$distroless") ($(pct_smaller "$distroless" "$naive") smaller) | ${t_naive} s | ${t_cold} s | ${t_noop} s | ${t_rebuild} s (download layer cached: ${download_cached:-?}, modules downloaded: $downloads) | $(awk -v a="$t_rebuild" -v b="$t_local" 'BEGIN { printf "%.1fx", a / b }') |")
  bah rm --all >/dev/null
done

cat <<MD
Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM
(shared), $(go version | cut -d' ' -f3) (builder image tagged golang:$go_version holds this toolchain),
$(buildah --version | cut -d' ' -f1-3), chroot isolation; base images are the local stand-ins of
scripts/base-images.sh. Sizes are the bytes of the files in each image's filesystem.

Binary (withdeps): plain \`go build\` $(kb "$plain"), with \`CGO_ENABLED=0 -trimpath -ldflags "-s -w"\`
$(kb "$ours") ($(pct_smaller "$ours" "$plain") smaller). Local \`go build\` with our flags: cold (empty module and
build caches) ${t_local_cold} s; after the code change (warm caches) ${t_local} s.

| storage | naive single-stage | scratch | distroless | naive build | cold build (distroless) | rebuild, nothing changed | rebuild after a .go change | rebuild / local go build |
|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${results[@]}")
MD
rm -rf "$work"
