#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build in Release, open the GUI on the
# bundled default model (any arguments are passed to latentlab, e.g. a checkpoint path).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec "${LATENTLAB_BUILD_DIR:-build}/app/latentlab" "$@"
