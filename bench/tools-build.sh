#!/usr/bin/env bash
# How long the pinned tools of scripts/tools.sh take to build from source.
#
#   bench/tools-build.sh          the build times recorded in the tool cache
#                                 (${GOSERVICE_CACHE:-~/.cache/goservice}/<tool>/.complete)
#   bench/tools-build.sh --cold   a cold build now: scripts/tools.sh run from a scratch
#                                 copy into a scratch tool cache with empty Go module and
#                                 build caches (about 18 minutes of 2 cores), timed as a
#                                 whole; then the times it recorded
#
# Prints a Markdown table. A cache directory without a recorded time was built by a
# scripts/tools.sh that did not record one yet: it is listed as "not recorded".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${GOSERVICE_CACHE:-$HOME/.cache/goservice}"

total=""
if [ "${1:-}" = --cold ]; then
  scratch="$(mktemp -d /var/tmp/goservice-tools-bench.XXXXXX)"
  trap 'chmod -R u+w "$scratch" 2>/dev/null; rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/repo/scripts"
  cp -r "$root/scripts/tools.sh" "$root/scripts/k8s" "$scratch/repo/scripts/"
  cache="$scratch/cache"
  t0=$(date +%s)
  GOSERVICE_CACHE="$cache" GOCACHE="$scratch/gocache" GOMODCACHE="$scratch/gomodcache" \
    GOFLAGS="${GOFLAGS:-} -modcacherw" bash "$scratch/repo/scripts/tools.sh" all
  total="$(( $(date +%s) - t0 ))s"
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--cold]" >&2; exit 2
fi

echo "Tool cache: $cache ($(nproc) cores, $(go version | cut -d' ' -f3))"
echo
echo "| tool | build time | cache directory last changed |"
echo "|---|---:|---|"
sum=0 missing=0
for dir in "$cache"/*/; do
  dir="${dir%/}" name="$(basename "$dir")"
  [[ "$name" =~ -v[0-9] && "$name" != crds-* ]] || continue  # <tool>-<version>: builds; the rest is state (crds-*: downloads)
  built="$(date -u -r "$dir" '+%Y-%m-%d %H:%M UTC')"
  t="$(cat "$dir/.complete" 2>/dev/null || true)"
  if [[ "$t" =~ ^[0-9]+s$ ]]; then
    echo "| $name | $t | $built |"
    sum=$((sum + ${t%s}))
  else
    echo "| $name | not recorded | $built |"
    missing=$((missing + 1))
  fi
done
echo
echo "Sum of the recorded times: ${sum}s$([ "$missing" = 0 ] || echo " ($missing tool(s) not recorded)")."
[ -z "$total" ] || echo "Cold run of scripts/tools.sh, wall clock: $total (helm3 and helm4 build in parallel)."
