#!/usr/bin/env bash
# Configures and builds LatentLab in Release into build/ (or $LATENTLAB_BUILD_DIR): every target,
# or only those in $LATENTLAB_TARGETS (e.g. "latentlab"). Extra arguments go to CMake's configure
# step, e.g. -DCMAKE_PREFIX_PATH=/path/to/libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LATENTLAB_BUILD_DIR:-build}
read -ra targets <<< "${LATENTLAB_TARGETS:-}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build_dir" -j"$(nproc)" ${targets[@]+--target "${targets[@]}"}
