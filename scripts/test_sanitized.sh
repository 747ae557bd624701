#!/usr/bin/env bash
# CI's sanitizer pass (scripts/test.sh runs it when CI=true): the core and CLI test suites, the
# hostile-input corpus, the kill -9 test and the fuzz corpus replay, built with AddressSanitizer +
# UndefinedBehaviorSanitizer in build-asan/ (LATENTLAB_SANITIZE=address) and run. Only those
# targets are built: no GUI. The libFuzzer run itself (scripts/fuzz.sh) is not part of CI: it needs
# a third, clang build of core (about 20 minutes cold on 2 cores) that CI's 90 minutes cannot hold;
# the corpora it found are replayed here by fuzz_replay, and fuzz_mutate fuzzes each target for
# 20 s with random mutations of its corpus (no coverage feedback; tests/fuzz/mutator.h).
# Measured in CI's run from a clean clone with a cold ccache, nothing else running (2026-12-04):
# about 14 minutes: the unity build 5 min, core_tests 55 s, the CTest part 487 s.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${LATENTLAB_ASAN_BUILD_DIR:-build-asan}
# LeakSanitizer stays on: core, CLI and tests leak nothing (LibTorch's static registries are not
# reported; one LibTorch leak on a failure path is suppressed, tests/lsan.supp). abort_on_error:
# a report fails the test that caused it, child processes included.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# One third-party leak is suppressed (tests/lsan.supp says which and why).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
# LATENTLAB_UNITY_BATCH=0: each target compiled as one unity source. The least CPU time from
# scratch, and a name defined twice in one target's anonymous namespaces fails here whatever
# batches the Release build happens to form.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLATENTLAB_SANITIZE=address \
  -DLATENTLAB_WERROR=ON -DLATENTLAB_UNITY_BATCH=0
cmake --build "$build" -j"$(nproc)" --target core_tests cli_tests hostile_tests kill_tests fuzz_replay
# core_tests is registered test by test (gtest_discover_tests); the rest as whole executables.
LATENTLAB_THREADS=2 "$build/tests/core_tests" --gtest_brief=1
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 1800 \
  -R '^(cli_tests|hostile|kill_tests|fuzz_replay|fuzz_mutate)'
