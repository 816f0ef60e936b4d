#!/usr/bin/env bash
# The Python package's part of the test command: builds and installs bindings-python into the
# repository's .venv (pip install ./bindings-python, maturin as the PEP 517 backend), checks the
# types, runs pytest.
#
# Usage: scripts/test-python.sh [install|types|test|all]     (default: all, in that order)
#   install  create .venv if needed; pip install ./bindings-python[analysis] and the test tools;
#            skipped when nothing the package is built from changed since the last install
#   types    mypy.stubtest over the native module's stubs; mypy --strict over the package and
#            an example that uses the whole API
#   test     pytest bindings-python/tests (the shared vectors, API, errors, stores, pandas,
#            the SQLite file written by Rust, the examples)
# Environment:
#   CI=true                      nothing may be skipped (a missing PostgreSQL is a failure)
#   CHAMDIEM_TEST_POSTGRES_URL   the PostgreSQL server for the store tests; when unset, a
#                                throwaway cluster is started with scripts/postgres.sh
#   CARGO_TARGET_DIR             reused by the build (maturin honours it)
#   PYTHON                       the interpreter that creates .venv (default: python3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.chamdiem-python-build"

# The hash of everything the package is built from.
build_hash() {
  {
    find bindings-python/Cargo.toml bindings-python/pyproject.toml bindings-python/README.md \
      bindings-python/src bindings-python/python core/Cargo.toml core/src Cargo.toml Cargo.lock \
      -type f ! -name '*.so' ! -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum
    echo "python: $("$PY" -c 'import sys; print(sys.version)')"
  } | sha256sum | cut -d' ' -f1
}

install() {
  if [ ! -x "$PY" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
  fi
  "$PY" -m pip --version >/dev/null 2>&1 || "$PY" -m ensurepip --upgrade
  # The test tools and the optional extras' packages (pandas; analysis: matplotlib, openpyxl).
  if ! "$PY" -c 'import pytest, mypy, pandas, matplotlib, openpyxl' >/dev/null 2>&1 \
    || ! "$PY" -m pip show --quiet pandas-stubs >/dev/null 2>&1; then
    "$PY" -m pip install --quiet --disable-pip-version-check \
      'pytest>=7' 'mypy>=1.8' pandas-stubs 'pandas>=1.5' 'matplotlib>=3.5' 'openpyxl>=3.0'
  fi
  local want
  want="$(build_hash)"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$PY" -c 'import chamdiem' >/dev/null 2>&1; then
    echo "chamdiem is already installed from these sources"
    return 0
  fi
  # A native module left by `maturin develop` would shadow nothing (the tests import the
  # installed package), but it would go stale: remove it.
  rm -f bindings-python/python/chamdiem/_native*.so
  # One release build: pip runs maturin (the PEP 517 backend) in an isolated environment.
  "$PY" -m pip install --disable-pip-version-check --force-reinstall --no-deps "./bindings-python"
  echo "$want" > "$STAMP"
}

types() {
  # From the package's folder, `chamdiem` resolves to the installed package (its sources are
  # under python/, which is not on the path).
  (cd bindings-python && "$PY" -m mypy.stubtest chamdiem._native)
  (cd bindings-python && "$PY" -m mypy --strict -p chamdiem \
    && "$PY" -m mypy --strict tests/typing/api_example.py ../examples/python/analyst.py \
      ../examples/python/make_demo_store.py)
}

run_tests() {
  local pg_dir=""
  if [ -z "${CHAMDIEM_TEST_POSTGRES_URL:-}" ] && [ -x scripts/postgres.sh ]; then
    local out
    if out="$(scripts/postgres.sh start)"; then
      pg_dir="$(printf '%s\n' "$out" | sed -n 's/^CHAMDIEM_TEST_POSTGRES_DIR=//p')"
      CHAMDIEM_TEST_POSTGRES_URL="$(printf '%s\n' "$out" | sed -n 's/^CHAMDIEM_TEST_POSTGRES_URL=//p')"
      export CHAMDIEM_TEST_POSTGRES_URL
      trap 'scripts/postgres.sh stop "'"$pg_dir"'" >/dev/null 2>&1 || true' EXIT
    else
      echo "warning: could not start a throwaway PostgreSQL; its tests will skip (fail under CI=true)" >&2
    fi
  fi
  (cd bindings-python && "$PY" -m pytest -q tests)
}

case "${1:-all}" in
  install) install ;;
  types) types ;;
  test) run_tests ;;
  all) install; types; run_tests ;;
  *) echo "usage: $0 [install|types|test|all]" >&2; exit 2 ;;
esac
