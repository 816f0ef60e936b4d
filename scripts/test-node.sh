#!/usr/bin/env bash
# The Node package (bindings-node): installs its tools from npm when missing, builds the addon from
# source with napi-rs, and runs every Node test: the shared JavaScript API test and vectors
# (tests/js), the package's own tests (bindings-node/test, with the `tsc --strict` check of the
# declarations) and the node-portal example (examples/node-portal).
# Usage: scripts/test-node.sh [--build]     (--build: install and build only, no tests)
# Needs Node 18+ and npm. Environment: CARGO_TARGET_DIR is honoured; CI=true makes a generated
# native.d.ts that differs from the committed one a failure (otherwise a warning).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/bindings-node"
step() { echo "--> $*"; }

command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js 18+ and npm are needed" >&2; exit 1; }
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 18 ] || { echo "Node.js 18+ is needed (found $(node --version))" >&2; exit 1; }

cd "$PKG"
if [ ! -x node_modules/.bin/napi ] || [ ! -d node_modules/typescript ] || [ ! -d node_modules/decimal.js ]; then
  step "npm ci (bindings-node)"
  npm ci --no-audit --no-fund --loglevel=error
fi

step "napi build --platform --release"
npx --no-install napi build --platform --release --no-js --dts native.d.ts

if command -v git >/dev/null && git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
   && git -C "$ROOT" ls-files --error-unmatch bindings-node/native.d.ts >/dev/null 2>&1 \
   && ! git -C "$ROOT" diff --quiet -- bindings-node/native.d.ts; then
  if [ "${CI:-}" = "true" ]; then
    git -C "$ROOT" diff -- bindings-node/native.d.ts >&2
    echo "bindings-node/native.d.ts differs from the committed one: commit the generated file" >&2
    exit 1
  fi
  echo "warning: bindings-node/native.d.ts changed (generated from the Rust sources): commit it" >&2
fi

[ "${1:-}" = "--build" ] && exit 0

step "node --test (tests/js, bindings-node/test, examples/node-portal)"
cd "$ROOT"
node --test tests/js/*.test.mjs bindings-node/test/*.test.mjs examples/node-portal/*.test.mjs
