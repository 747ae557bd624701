#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build the GUI (the `latentlab` target and the
# libraries it links; no tests, no CLI) in Release, open it on the bundled default model (any
# arguments are passed to latentlab, e.g. a checkpoint path).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
LATENTLAB_TARGETS=latentlab scripts/build.sh
exec "${LATENTLAB_BUILD_DIR:-build}/app/latentlab" "$@"
