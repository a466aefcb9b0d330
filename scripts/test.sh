#!/usr/bin/env bash
# All tests: unit and golden, then integration against the real parts — pinned
# Helm 3 and Helm 4, a local Kubernetes control plane, buildah image builds.
# Installs what it needs (cached outside the repo) and stops the control plane
# afterwards if it started it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f node_modules/.package-lock.json ] || npm ci --no-audit --no-fund
npm run --silent build
bash scripts/tools.sh            # helm3 + helm4 + control-plane binaries
bash scripts/buildah.sh          # buildah (and shellcheck) from Debian's packages, when missing
shellcheck -S warning scripts/*.sh

was_up=0
bash scripts/cluster.sh status >/dev/null 2>&1 && was_up=1
[ "$was_up" = 1 ] || trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT

results="$(mktemp -d)"
status=0
npx jest --selectProjects unit --ci --json --outputFile "$results/unit.json" "$@" || status=$?
npx jest --selectProjects integration --ci --runInBand --json --outputFile "$results/integration.json" "$@" || status=$?
# One closing line for both runs, counting suites that failed to load.
node scripts/test-summary.js "$results/unit.json" "$results/integration.json" || [ "$status" -ne 0 ] || status=1
rm -rf "$results"
exit "$status"
