#!/usr/bin/env bash
# Installs the npm workspaces when node_modules is missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "Node.js >= 20.19 is required (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
else
    echo "npm dependencies up to date"
fi
