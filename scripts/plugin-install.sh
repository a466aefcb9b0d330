#!/usr/bin/env bash
# Helm's install/update hook: installs the plugin's npm packages and builds it.
# Idempotent: skips what is already up to date.
set -euo pipefail
cd "${HELM_PLUGIN_DIR:-$(dirname "$0")/..}"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "goservice: installing npm packages (needs Node.js 20+)"
  npm install --no-audit --no-fund --loglevel=error
fi
if [ ! -f dist/.built ] || [ -n "$(find src package.json tsconfig.json -newer dist/.built -print -quit)" ]; then
  echo "goservice: building"
  npm run --silent build
fi
echo "goservice: ready; try 'helm goservice --help'"
