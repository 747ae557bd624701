# `cpack -G DEB`: latentlab_<version>_amd64.deb from the install rules (cmake/install.cmake), with
# the dependencies dpkg-shlibdeps finds in the binaries. Build the target `installable` first
# (scripts/package.sh does both; the test package.lintian too).
#
# lintian (2.116, --pedantic -E) reports no error and no warning. Its information tags, accepted:
# - arch-dep-package-has-big-usr-share (15 MB, 79%): the bundled models. Debian would split them
#   into an Architecture: all latentlab-data package; CPack makes one package here.
# - package-contains-documentation-outside-usr-share-doc: the model cards (*.md) stay beside their
#   models, where the card's images and the GUI's users find them.
# - hardening-no-fortify-functions, hardening-no-bindnow: the project's compile flags have no
#   -D_FORTIFY_SOURCE=2 (adding it changes every translation unit's command line: the lead's
#   call); -z now would resolve all of LibTorch's symbols at start-up, against the 1 s start target.
# - binary-has-unneeded-section .comment: CPack's strip keeps the compiler's .comment note.
set(CPACK_PACKAGE_NAME latentlab)
set(CPACK_PACKAGE_VENDOR "The LatentLab developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "explore the latent spaces of generative image models")
# Debian's extended description: lines of at most 80 characters; CPack adds the leading space.
set(CPACK_PACKAGE_DESCRIPTION [=[
LatentLab opens a trained variational autoencoder (VAE) or generative
adversarial network (GAN) and shows what it learned: latent sliders with live
decoding, attribute vectors (beard, smile, glasses), interpolation strips, a
latent map of a whole data set clustered by a Gaussian mixture model, and
reconstructions. Models trained in PyTorch open as TorchScript modules;
latentlab-cli trains, evaluates and exports without a window. Three trained
models are included.

Speed: LibTorch runs its matrix products on whatever provides libblas.so.3.
The recommended libopenblas0-openmp is about 9 times faster than the reference
BLAS. If libopenblas0-pthread is installed too, choose the OpenMP build with
  update-alternatives --config libblas.so.3-x86_64-linux-gnu
  update-alternatives --config liblapack.so.3-x86_64-linux-gnu
(the pthread build fights LibTorch's OpenMP threads).]=])
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # latentlab_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(LATENTLAB_MAINTAINER "The LatentLab developers <maintainers@users.noreply.b-seed-41cbfed4.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LATENTLAB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${LATENTLAB_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenBLAS: see the description. libqt6svg6: Qt's SVG plugin, which draws the window icon (a plugin,
# so dpkg-shlibdeps cannot see it).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-openmp, libqt6svg6")
# Control files owned by root and 0644/0755, as lintian expects.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_GENERATOR DEB)
include(CPack)
