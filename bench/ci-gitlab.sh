#!/usr/bin/env bash
# The generated GitLab pipeline's wall time, cold and warm (code-only change), split
# by job, on the withdeps sample (see bench/ci-gitlab.ts). Cold uses a fresh image
# store of its own (base images made first, not timed), removed afterwards.
#   bench/ci-gitlab.sh      (needs npm run build, scripts/tools.sh, buildah; starts the cluster if needed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
store="$(mktemp -d /var/tmp/goservice-bench-ci.XXXXXX)"
trap 'rm -rf "$store"' EXIT
# Bundled two levels below the repository root, where the test support expects to be.
out="$root/.tools/bench/ci-gitlab.js"
npx --no-install esbuild "$root/bench/ci-gitlab.ts" --bundle --platform=node --target=node20 --log-level=warning --outfile="$out"
node "$out" "$store"
