#!/usr/bin/env bash
# Builds the browser package: cargo (wasm32, size profile) -> wasm-bindgen (ES module for the
# web) -> wasm-opt -Oz -> the package folder (JS entry point, error classes, types, package.json).
#
# Usage: bindings-wasm/build.sh [OUT_DIR]     (default: bindings-wasm/pkg)
# Needs: the wasm32-unknown-unknown target, wasm-bindgen-cli of exactly the version in
# Cargo.lock, and wasm-opt from the npm package `binaryen` in .tools/ (scripts/test-wasm.sh
# installs all three when missing).
# Environment: CARGO_TARGET_DIR (the cargo build directory), WASM_OPT (another wasm-opt),
# CHAMDIEM_WASM_FEATURES (cargo features: `bench` adds the benchmark's timing hooks).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
OUT="${1:-$HERE/pkg}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$ROOT"

WASM_OPT="${WASM_OPT:-$ROOT/.tools/node_modules/.bin/wasm-opt}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
want="$(cargo pkgid -p wasm-bindgen --offline 2>/dev/null | sed 's/.*[@#]//')"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
if [ "$have" != "$want" ]; then
  echo "build.sh: wasm-bindgen-cli $want is needed (found: ${have:-none}); run scripts/test-wasm.sh" >&2
  exit 1
fi
if [ ! -x "$WASM_OPT" ]; then
  echo "build.sh: wasm-opt not found at $WASM_OPT; run scripts/test-wasm.sh" >&2
  exit 1
fi

# The same bytes on every machine with the same toolchain: no absolute paths of this checkout
# or of the cargo registry end up in the module (panic messages carry source paths).
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
remap="--remap-path-prefix=$ROOT=/chamdiem"
for src in "$cargo_home"/registry/src/*/; do
  [ -d "$src" ] && remap="$remap --remap-path-prefix=${src%/}=/crates"
done
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$remap" \
  cargo build -p chamdiem-wasm --target wasm32-unknown-unknown --profile wasm-release --locked \
  ${CHAMDIEM_WASM_FEATURES:+--features "$CHAMDIEM_WASM_FEATURES"}

raw="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/chamdiem_wasm.wasm"
wasm-bindgen "$raw" --target web --out-dir "$OUT" --out-name chamdiem_wasm
# The raw exports take JavaScript values as `any`; `unknown` says the same without opting out of
# type checking (the package's .d.ts files are checked for `any`).
sed -i -E 's/\(([a-z]): any/(\1: unknown/g; s/, ([a-z]): any/, \1: unknown/g' \
  "$OUT/chamdiem_wasm.d.ts" "$OUT/chamdiem_wasm_bg.wasm.d.ts"
bg="$OUT/chamdiem_wasm_bg.wasm"
before=$(stat -c %s "$bg")
"$WASM_OPT" -Oz "$bg" -o "$bg.opt"
mv "$bg.opt" "$bg"
echo "wasm-opt -Oz: $before -> $(stat -c %s "$bg") bytes ($(gzip -9 -c "$bg" | wc -c) gzipped)"

# The entry point and its types.
cp "$HERE/js/index.js" "$HERE/js/index.d.ts" "$OUT/"
# The domain types and the error classes are the Node package's, shared: one source for both
# (docs/js-api.md, "Types"); errors.js is CommonJS there, wrapped here as an ES module.
cp "$ROOT/bindings-node/types.d.ts" "$OUT/types.d.ts"
node "$HERE/js/esm-errors.mjs" "$ROOT/bindings-node/errors.js" "$OUT/errors.js"
# In an ES-module package a relative import needs its extension (TypeScript's nodenext rules).
sed "s#from '\./types';#from './types.js';#" "$ROOT/bindings-node/errors.d.ts" >"$OUT/errors.d.ts"
node "$HERE/js/package-json.mjs" "$ROOT/Cargo.toml" "$OUT/package.json"
rm -f "$OUT/.gitignore"

# The build record: toolchain, a hash of the inputs, and the hash of every file.
node "$HERE/js/build-info.mjs" write "$ROOT" \
  "$TARGET_DIR/wasm32-unknown-unknown/wasm-release/chamdiem_wasm.d" "$OUT"
echo "package: $OUT"
