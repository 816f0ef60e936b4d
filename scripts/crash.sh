#!/usr/bin/env bash
# The long version of the server's SIGKILL test (examples/server/tests/crash.rs): the server is
# killed under load ROUNDS times on the embedded deployment (SQLite and an evidence folder) and
# on the scale-out one (PostgreSQL and an S3-compatible store, each a throwaway server started
# by the test), with every check after every kill. The test command runs 20 and 10 rounds.
#
# Usage: scripts/crash.sh [ROUNDS]     (default 1000)
# Environment: CARGO_TARGET_DIR as for scripts/test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${1:-1000}"
scripts/s3.sh install
start=$SECONDS
CHAMDIEM_CRASH_ROUNDS="$ROUNDS" cargo test -p chamdiem-server --features s3 --locked \
  --test crash -- --nocapture --test-threads=1
echo "crash.sh: $ROUNDS rounds on each deployment in $((SECONDS - start)) s"
