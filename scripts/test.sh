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
bash scripts/buildah.sh          # buildah from Debian's packages, when missing

was_up=0
bash scripts/cluster.sh status >/dev/null 2>&1 && was_up=1
[ "$was_up" = 1 ] || trap 'bash scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT

npx jest --selectProjects unit --ci "$@"
npx jest --selectProjects integration --ci --runInBand "$@"
