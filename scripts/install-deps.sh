#!/usr/bin/env bash
# Installs every Debian 12 package LatentLab needs to build, test and run.
# The one place the package list lives; safe to run again (installs only what is missing).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format
  # GUI
  qt6-base-dev qt6-base-dev-tools libgl-dev libqcustomplot-dev libqcustomplot2.1-qt6
  libqt6svg6 qt6-svg-dev  # the SVG application icon; the latent map's SVG export (QSvgGenerator)
  # tensors and models; OpenMP OpenBLAS (the pthread build fights LibTorch's OpenMP threads)
  libtorch-dev libopenblas0-openmp
  libgloo-dev  # headers of the Gloo backend of c10d (data-parallel training; symbols in libtorch_cpu)
  libhnswlib-dev  # approximate nearest neighbours (HNSW) for UMAP and t-SNE of large data sets
  # image IO, EM, PCA, linear models; GIF export; gzip
  libopencv-dev libgif-dev zlib1g-dev
  # CLI and formats
  libcli11-dev nlohmann-json3-dev
  # tests and benchmarks
  googletest libgtest-dev libbenchmark-dev python3-torch python3-numpy xvfb xauth
  python3-sklearn  # independent GMM log-likelihood reference in tests
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer targets
  # real data
  dataset-fashion-mnist
  # install and package (cmake/install.cmake, cmake/package.cmake, tests/install): the PNG icon,
  # man pages, validators, the .deb and its checks
  python3 librsvg2-bin man-db desktop-file-utils appstream shared-mime-info libglib2.0-bin
  bash-completion dpkg-dev file lintian bsdextrautils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# If libopenblas0-pthread is also present it wins these alternatives: pick the OpenMP build.
arch_dir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for alt in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
  name="${alt}-$(basename "$arch_dir")"
  target=$(update-alternatives --list "$name" 2>/dev/null | grep openblas-openmp || true)
  if [ -n "$target" ]; then $SUDO update-alternatives --quiet --set "$name" "$target"; fi
done
