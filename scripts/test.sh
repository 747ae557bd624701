#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build in Release, run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# CI builds and runs the CLI, hostile-input, kill and fuzz-replay suites (about half of the
# suite's time) only in the ASan + UBSan build of scripts/test_sanitized.sh, which asserts the same
# things and more: building and running them twice would not fit CI's 90 minutes on 2 cores.
cli_suites=ON
if [ "${CI:-}" = "true" ]; then cli_suites=OFF; fi
scripts/build.sh -DLATENTLAB_CLI_SUITES="$cli_suites"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${LATENTLAB_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" --timeout 900
if [ "${CI:-}" = "true" ]; then scripts/test_sanitized.sh; fi
