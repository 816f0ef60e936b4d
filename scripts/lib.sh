# Shared helpers for scripts/: timed stages, idempotent installs. Sourced, not run.

STAGE_LOG=()
SCRIPT_START=$SECONDS

# stage "title" command args... : runs a command, prints its duration, stops on failure.
stage() {
  local title="$1"; shift
  local start=$SECONDS
  echo
  echo "==> ${title}"
  if "$@"; then
    local took=$((SECONDS - start))
    STAGE_LOG+=("$(printf '%5ss  %s' "$took" "$title")")
    echo "    ok (${took}s)"
  else
    local rc=$?
    local took=$((SECONDS - start))
    STAGE_LOG+=("$(printf '%5ss  %s  FAILED' "$took" "$title")")
    summary
    echo "FAILED: ${title} (exit ${rc})" >&2
    exit "$rc"
  fi
}

summary() {
  echo
  echo "== stage times =="
  printf '%s\n' "${STAGE_LOG[@]}"
  echo "total: $((SECONDS - SCRIPT_START))s"
}

ensure_rust_components() {
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
}
