#!/usr/bin/env bash
# Optional command 3: install what is missing, build what `cmake --install` installs (the target
# `installable`: both programs, icons, man pages, completions), make the Debian package
# build/latentlab_<version>_amd64.deb with CPack and check it with lintian (errors fail).
# Install it with: apt install ./build/latentlab_*_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${LATENTLAB_BUILD_DIR:-build}
scripts/install-deps.sh
LATENTLAB_TARGETS=installable scripts/build.sh
(cd "$build_dir" && cpack -G DEB)
lintian --fail-on error "$build_dir"/latentlab_*_amd64.deb
