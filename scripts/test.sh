#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build in Release, run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "${LATENTLAB_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" --timeout 900
# CI also runs the core and CLI suites under ASan + UBSan, in a second build folder.
if [ "${CI:-}" = "true" ]; then scripts/test_sanitized.sh; fi
