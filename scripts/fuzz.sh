#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang-14 + libclang-rt-14-dev) in build-fuzz/ and runs
# each for a bounded time, starting from its generated seed corpus (tests/fuzz/make_seeds.py) plus
# what earlier runs found (build-fuzz/fuzz-corpus/). Crash inputs land in build-fuzz/fuzz-crashes/.
#   FUZZ_SECONDS=60 (per target)  FUZZ_TARGETS="fuzz_idx ..." (default: all)
#   LATENTLAB_BUILD_LOCK=/tmp/latentlab-build.lock (build under flock, on shared machines)
# Prints executions and crashes per target; exits 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LATENTLAB_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"fuzz_checkpoint fuzz_idx fuzz_latents fuzz_celeba fuzz_session fuzz_image_header"}
lock=()
[ -n "${LATENTLAB_BUILD_LOCK:-}" ] && lock=(flock "$LATENTLAB_BUILD_LOCK")

CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DLATENTLAB_FUZZ=ON -DLATENTLAB_BUILD_TESTS=OFF > /dev/null
"${lock[@]}" cmake --build "$build" --target fuzz_targets -j"$(nproc)"

seeds=$build/fuzz-seeds corpus=$build/fuzz-corpus crashes=$build/fuzz-crashes
rm -rf "$seeds"
/usr/bin/python3 tests/fuzz/make_seeds.py "$seeds"
mkdir -p "$crashes"
failed=0
printf '%-20s %12s %8s %8s\n' target executions seconds crashes
for target in $targets; do
  mkdir -p "$corpus/$target"
  log=$build/$target.log
  # Single process, one input at a time: -max_total_time bounds it. Readers write their input to
  # /dev/shm (fuzz_input.h). rss_limit: a reader must refuse sizes before allocating them.
  set +e
  LATENTLAB_THREADS=1 "$build/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes/$target-" \
    "$corpus/$target" "$seeds/$target" > "$log" 2>&1
  status=$?
  set -e
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(ls "$crashes" | grep -c "^$target-" || true)
  printf '%-20s %12s %8s %8s\n' "$target" "${executions:-?}" "$seconds" "$found"
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    failed=1
    grep -m 5 -E "ERROR|SUMMARY|runtime error|uncaught|deadly" "$log" || tail -5 "$log"
  fi
done
exit $failed
