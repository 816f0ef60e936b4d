#!/usr/bin/env bash
# The browser package (bindings-wasm): installs what is missing, builds the package, and runs its
# tests: every test vector and the shared JS API test in Node (the same .wasm the browser loads),
# the TypeScript types with `tsc --strict`, and the example page in a real headless Chromium.
# Last, checks the committed bundle (bindings-wasm/dist) against the fresh build.
#
# Usage: scripts/test-wasm.sh          (from anywhere; idempotent; fast when already set up)
#        scripts/test-wasm.sh STEP     one step: tools, build, types, vectors, api, browser, bundle
# Environment:
#   CI=true            nothing may be skipped, and a stale committed bundle is an error
#                      (otherwise it is refreshed in place, to be committed)
#   CARGO_TARGET_DIR   the cargo build directory (default: ./target)
#   CHROMEDRIVER, CHROMIUM   other driver / browser binaries (default: Debian's)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/lib.sh

TOOLS="$ROOT/.tools"
PKG="$ROOT/bindings-wasm/pkg"
DIST="$ROOT/bindings-wasm/dist"
BINARYEN_VERSION=132.0.0     # npm `binaryen`: wasm-opt 132 (Debian's wasm-opt 108 corrupts wasm-bindgen output)
TYPESCRIPT_VERSION=5.9.3
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}

# wasm-bindgen-cli must be exactly the wasm-bindgen of Cargo.lock. Not `--locked`: its own
# lockfile pins a webpki-roots the registry refuses (docs: TOOLCHAIN, failure 3).
ensure_wasm_bindgen() {
  local want have
  want="$(cargo pkgid -p wasm-bindgen | sed 's/.*[@#]//')"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
  if [ "$have" != "$want" ]; then
    echo "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes a few minutes once"
    cargo install wasm-bindgen-cli --version "$want"
  fi
  echo "wasm-bindgen $(wasm-bindgen --version | awk '{print $2}')"
}

npm_tool_version() {
  node -p "require('$TOOLS/node_modules/$1/package.json').version" 2>/dev/null || true
}

ensure_npm_tools() {
  command -v node >/dev/null || { echo "Node.js (18 or later) is needed" >&2; return 1; }
  if [ "$(npm_tool_version binaryen)" != "$BINARYEN_VERSION" ] ||
     [ "$(npm_tool_version typescript)" != "$TYPESCRIPT_VERSION" ]; then
    npm install --no-audit --no-fund --save-exact --prefix "$TOOLS" \
      "binaryen@$BINARYEN_VERSION" "typescript@$TYPESCRIPT_VERSION"
  fi
  echo "$("$TOOLS/node_modules/.bin/wasm-opt" --version), tsc $("$TOOLS/node_modules/.bin/tsc" --version | awk '{print $2}'), node $(node --version)"
}

ensure_chromium() {
  if [ -n "${CHROMEDRIVER:-}" ] && [ -n "${CHROMIUM:-}" ]; then return 0; fi
  if ! dpkg -s chromium chromium-driver >/dev/null 2>&1; then
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
  fi
  chromedriver --version
}

build() {
  bindings-wasm/build.sh "$PKG"
}

check_types() {
  local dir
  dir="$(mktemp -d)"
  # shellcheck disable=SC2064  # each step runs in its own process: clean up when it ends
  trap "rm -rf '$dir'" EXIT
  # The package's .d.ts files may not fall back to `any`.
  if grep -nwE 'any' "$PKG"/*.d.ts; then
    echo "the package's .d.ts files use \`any\` (above)" >&2
    return 1
  fi
  # The shared declarations are the Node package's (docs/js-api.md, "Types").
  cmp bindings-node/types.d.ts "$PKG/types.d.ts"
  diff <(sed "s#from '\./types';#from './types.js';#" bindings-node/errors.d.ts) "$PKG/errors.d.ts"
  node -e 'const fs = require("fs");
    process.exit(fs.readFileSync(process.argv[2], "utf8").includes(fs.readFileSync(process.argv[1], "utf8").trimEnd()) ? 0 : 1)' \
    bindings-node/errors.js "$PKG/errors.js" || { echo "errors.js is not bindings-node/errors.js wrapped" >&2; return 1; }
  # A program using every export, and every real output of the API on the test vectors typed
  # as the API declares it, compiled with the package resolved as an installed dependency.
  mkdir -p "$dir/node_modules"
  ln -s "$PKG" "$dir/node_modules/chamdiem-wasm"
  cp bindings-wasm/test/types-check.mts bindings-wasm/test/tsconfig.json "$dir/"
  node --input-type=module -e "
    import { writeTypedOutputs } from '$ROOT/tests/js/typed-outputs.mjs';
    const pkg = await import('$PKG/index.js');
    const { constants, types } = writeTypedOutputs(pkg, '$dir/vector-outputs.mts', 'chamdiem-wasm');
    console.log(constants + ' outputs of ' + types.length + ' declared types');"
  sed -i 's/"files": \["types-check.mts"\]/"files": ["types-check.mts", "vector-outputs.mts"]/' "$dir/tsconfig.json"
  "$TOOLS/node_modules/.bin/tsc" -p "$dir/tsconfig.json"
}

# The shared tests of the JavaScript packages (tests/js), unchanged, against this package.
run_vectors() {
  CHAMDIEM_JS_PACKAGE="$PKG/index.js" node --test tests/js/vectors.test.mjs
}

run_api_test() {
  CHAMDIEM_JS_PACKAGE="$PKG/index.js" node --test tests/js/api.test.mjs
  CHAMDIEM_WASM_PKG="$PKG" node --test bindings-wasm/test/readme.test.mjs
}

run_browser_test() {
  CHAMDIEM_WASM_PKG="$PKG" node --test bindings-wasm/test/browser.test.mjs
}

# The committed bundle (what the reference server and the example page load) must be what the
# sources build. Stale: refreshed in place (commit it), or an error in CI.
check_bundle() {
  local rc=0
  node bindings-wasm/js/build-info.mjs compare "$PKG" "$DIST" || rc=$?
  case "$rc" in
    0) ;;
    5) # Built elsewhere with another toolchain: at least it must pass every vector here.
      CHAMDIEM_JS_PACKAGE="$DIST/index.js" node --test tests/js/vectors.test.mjs >/dev/null
      echo "the committed bundle passes every test vector" ;;
    3)
      if is_ci; then
        echo "refresh it with: scripts/test-wasm.sh (outside CI), then commit bindings-wasm/dist" >&2
        return 1
      fi
      rm -rf "$DIST"
      cp -R "$PKG" "$DIST"
      echo "bindings-wasm/dist refreshed from this build: commit it with the change of sources"
      ;;
    *) return "$rc" ;;
  esac
}

ensure_tools() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_tools
  ensure_chromium
}

# Each step runs in its own process (`scripts/test-wasm.sh <step>`), so `set -e` holds inside it
# (bash ignores `set -e` in a function called from an `if`, as `stage` does).
STEPS=(tools build types vectors api browser bundle)
run_step() {
  case "$1" in
    tools) ensure_tools ;;
    build) build ;;
    types) check_types ;;
    vectors) run_vectors ;;
    api) run_api_test ;;
    browser) run_browser_test ;;
    bundle) check_bundle ;;
    *) echo "unknown step \`$1\`; steps: ${STEPS[*]}" >&2; return 2 ;;
  esac
}

main() {
  local self="$ROOT/scripts/test-wasm.sh"
  stage "wasm: tools (wasm32 target, wasm-bindgen-cli, wasm-opt, tsc, chromium)" "$self" tools
  stage "wasm: build the package (cargo, wasm-bindgen, wasm-opt -Oz)" "$self" build
  stage "wasm: TypeScript types (tsc --strict, no any)" "$self" types
  stage "wasm: test vectors in Node" "$self" vectors
  stage "wasm: shared JS API test and the README example in Node" "$self" api
  stage "wasm: example page in headless Chromium" "$self" browser
  stage "wasm: committed bundle matches the sources" "$self" bundle
  summary
}

if [ $# -gt 0 ]; then
  run_step "$1"
else
  main
fi
