#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang-14 + libclang-rt-14-dev) in build-fuzz/ and runs
# each for a bounded time, one process at a time, starting from the committed corpus
# (tests/fuzz/corpus/TARGET/), the generated seeds (tests/fuzz/make_seeds.py) and what earlier
# runs here found (build-fuzz/fuzz-corpus/TARGET/). Crash inputs land in build-fuzz/fuzz-crashes/.
#   FUZZ_SECONDS=60          seconds per target, or
#   FUZZ_TOTAL_SECONDS=180   a total split evenly over the targets (CI's budget)
#   FUZZ_TARGETS="fuzz_idx ..." (default: every target of tests/fuzz/targets.cmake)
#   FUZZ_MERGE=1             afterwards, minimise each target's corpus (libFuzzer -set_cover_merge=1,
#                            then tests/fuzz/pick_corpus.py keeps at most FUZZ_CORPUS_MAX=40 inputs)
#                            into tests/fuzz/corpus/TARGET/ (what the fuzz_replay CTest test replays)
#   LATENTLAB_BUILD_LOCK=/tmp/latentlab-build.lock (build under flock, on shared machines)
# Each target's libFuzzer log is build-fuzz/fuzz-logs/TARGET.log; build-fuzz/fuzz-logs/summary.txt
# gets one line per target (also printed). Exits 1 if any target crashed or reported.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LATENTLAB_FUZZ_BUILD_DIR:-build-fuzz}
all_targets=$(sed -n 's/^  \(fuzz_[a-z_]*\)$/\1/p' tests/fuzz/targets.cmake | tr '\n' ' ')
targets=${FUZZ_TARGETS:-$all_targets}
count=$(wc -w <<< "$targets")
if [ -n "${FUZZ_TOTAL_SECONDS:-}" ]; then
  seconds=$((FUZZ_TOTAL_SECONDS / count))
else
  seconds=${FUZZ_SECONDS:-60}
fi
lock=()
[ -n "${LATENTLAB_BUILD_LOCK:-}" ] && lock=(flock "$LATENTLAB_BUILD_LOCK")

CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLATENTLAB_FUZZ=ON -DLATENTLAB_BUILD_TESTS=OFF > /dev/null
"${lock[@]}" cmake --build "$build" --target fuzz_targets -j"$(nproc)"

seeds=$build/fuzz-seeds work=$build/fuzz-corpus crashes=$build/fuzz-crashes logs=$build/fuzz-logs
# The readers take a path: each input is written to a file in memory (fuzz_input.h), in a folder
# of this run's own, removed at the end.
LATENTLAB_FUZZ_TMP=$(mktemp -d /dev/shm/latentlab-fuzz-XXXXXX)
export LATENTLAB_FUZZ_TMP
trap 'rm -rf "$LATENTLAB_FUZZ_TMP"' EXIT
rm -rf "$seeds"
/usr/bin/python3 tests/fuzz/make_seeds.py "$seeds"
mkdir -p "$crashes" "$logs"
summary=$logs/summary.txt
{
  echo "# scripts/fuzz.sh at $(git describe --always --dirty 2>/dev/null || echo '?'), $(date -u +%FT%TZ)," \
       "$seconds s per target, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-18s %11s %7s %8s %7s %9s %7s %7s\n' target executions seconds exec/s corpus new_units \
    rss_mb crashes
} > "$summary"
cat "$summary"
failed=0
for target in $targets; do
  mkdir -p "$work/$target" "$seeds/$target"
  committed=tests/fuzz/corpus/$target
  mkdir -p "$committed"
  log=$logs/$target.log
  # New inputs go to the first folder (the work corpus); the committed one is only read.
  # rss_limit: a reader must refuse sizes before allocating them; -timeout: no input may take 10 s.
  set +e
  LATENTLAB_THREADS=1 "$build/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes/$target-" \
    "$work/$target" "$committed" "$seeds/$target" > "$log" 2>&1
  status=$?
  set -e
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  corpus=$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
  found=$(find "$crashes" -name "$target-*" | wc -l)
  printf '%-18s %11s %7s %8s %7s %9s %7s %7s\n' "$target" "$(stat number_of_executed_units)" \
    "$seconds" "$(stat average_exec_per_sec)" "${corpus:-?}" "$(stat new_units_added)" \
    "$(stat peak_rss_mb)" "$found" | tee -a "$summary"
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    failed=1
    grep -m 5 -E "ERROR|SUMMARY|runtime error|uncaught|deadly" "$log" || tail -5 "$log"
  fi
done

if [ "${FUZZ_MERGE:-}" = "1" ]; then
  for target in $targets; do
    merged=$(mktemp -d) control=$(mktemp)
    committed=tests/fuzz/corpus/$target
    # Set-cover merge over edges records each input's whole edge set; pick_corpus.py keeps the
    # first FUZZ_CORPUS_MAX inputs of the greedy cover.
    LATENTLAB_THREADS=1 "$build/tests/fuzz/$target" -set_cover_merge=1 -use_counters=0 \
      -merge_control_file="$control" -rss_limit_mb=2048 -timeout=10 \
      "$merged" "$committed" "$work/$target" "$seeds/$target" > "$logs/$target.merge.log" 2>&1
    kept=$(/usr/bin/python3 tests/fuzz/pick_corpus.py "$control" "$committed" \
      --max "${FUZZ_CORPUS_MAX:-40}")
    rm -rf "$merged" "$control"
    echo "$target: $kept, in $committed" | tee -a "$summary"
  done
fi
exit $failed
