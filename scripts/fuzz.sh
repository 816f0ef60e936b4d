#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target (fuzz/fuzz_targets/) for a set time, one target after the
# other, then minimises each corpus, and prints the CPU seconds each target used.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]       (default 300; from anywhere in the checkout)
# Environment:
#   FUZZ_TARGETS="command_json criteria_json"     only these targets (default: all of them)
#   CARGO_TARGET_DIR                              reuse a build directory between runs
#
# cargo-fuzz passes nightly-only flags to rustc (`-Zsanitizer=address`, …). On a stable
# toolchain this script sets RUSTC_BOOTSTRAP=1, which makes the stable compiler accept them;
# a nightly toolchain works the same. The fuzz crate (fuzz/) is its own workspace.
#
# Each target starts from its committed seeds (fuzz/corpus/<target>/, read only) and from the
# working corpus of earlier runs on this machine (fuzz/corpus-local/<target>/, not committed:
# grown corpora are tens of megabytes). New inputs go to the working corpus, which is then
# minimised (`cargo fuzz cmin`). A failing input is written to fuzz/artifacts/<target>/ and the
# script carries on with the next target and exits non-zero at the end; commit the input there
# (the replay tests, `cargo test -p chamdiem --test fuzz_corpus` and
# `cargo test -p chamdiem-server --test fuzz_corpus`, run every artifact) and fix the bug. An
# input worth keeping as a seed (a new kind of case) can be copied into fuzz/corpus/<target>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECONDS_PER_TARGET="${1:-300}"
export RUSTC_BOOTSTRAP=1
ALL_TARGETS=(criteria_json criteria_compact criteria_xlsx command_json upload_multipart)
read -r -a TARGETS <<<"${FUZZ_TARGETS:-${ALL_TARGETS[*]}}"
# Fuzzing takes whole cores for minutes: let everything else on the machine go first.
NICE=(nice -n 19)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> cargo install cargo-fuzz"
  cargo install cargo-fuzz
fi
echo "==> $(cargo fuzz --version); $(rustc --version)"

echo "==> cargo fuzz build -O (all targets)"
"${NICE[@]}" cargo fuzz build -O

summary=()
failed=()
for t in "${TARGETS[@]}"; do
  work="fuzz/corpus-local/$t"
  mkdir -p "$work" "fuzz/corpus/$t"
  log="$(mktemp)"
  seeds=$(find "fuzz/corpus/$t" -type f | wc -l)
  before=$(find "$work" -type f | wc -l)
  echo "==> fuzzing $t for ${SECONDS_PER_TARGET}s (seeds: $seeds files, working corpus: $before files)"
  status=0
  # /usr/bin/time reports the CPU seconds (user + system) of cargo and libFuzzer.
  /usr/bin/time -f "%U %S" -o "$log.time" \
    "${NICE[@]}" cargo fuzz run -O "$t" "$work" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  cpu=$(awk '{printf "%.0f", $1 + $2}' "$log.time")
  runs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    echo "    FAILED (exit $status); the end of libFuzzer's log:"
    tail -n 40 "$log" | sed 's/^/    /'
  fi
  echo "==> minimising the corpus of $t"
  "${NICE[@]}" cargo fuzz cmin -O "$t" "$work" >"$log.cmin" 2>&1 ||
    { echo "    cmin failed:"; tail -n 20 "$log.cmin" | sed 's/^/    /'; }
  after=$(find "$work" -type f | wc -l)
  size=$(du -sk "$work" | awk '{print $1}')
  summary+=("$(printf '%-18s %8s %12s %14s %10s  %s' "$t" "$cpu" "$runs" "$before -> $after" "${size} KiB" \
    "$([ "$status" -eq 0 ] && echo ok || echo "FAILED, see fuzz/artifacts/$t/")")")
  rm -f "$log" "$log.time" "$log.cmin"
done

echo
echo "fuzzed on $(date -u +%Y-%m-%d), ${SECONDS_PER_TARGET}s wall clock per target"
printf '%-18s %8s %12s %14s %10s  %s\n' target "CPU s" executions "working corpus" size result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failing targets: ${failed[*]}" >&2
  exit 1
fi
