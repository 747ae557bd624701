# LATENTLAB_SANITIZE=address: AddressSanitizer + UndefinedBehaviorSanitizer (CI runs the core and
# CLI tests this way, see scripts/test_sanitized.sh); =thread: ThreadSanitizer (the render worker
# and background job tests). Everything LatentLab compiles is instrumented; LibTorch, Qt and
# OpenCV are Debian's uninstrumented builds (see docs/reliability.md for the runtime options).
set(LATENTLAB_SANITIZE "" CACHE STRING "Sanitizers: '' (none), address (ASan + UBSan) or thread (TSan)")
set_property(CACHE LATENTLAB_SANITIZE PROPERTY STRINGS "" address thread)

if(LATENTLAB_SANITIZE STREQUAL "address")
  set(latentlab_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(LATENTLAB_SANITIZE STREQUAL "thread")
  set(latentlab_sanitizer_flags -fsanitize=thread)
elseif(NOT LATENTLAB_SANITIZE STREQUAL "")
  message(FATAL_ERROR "LATENTLAB_SANITIZE must be empty, address or thread, not '${LATENTLAB_SANITIZE}'")
endif()

if(latentlab_sanitizer_flags)
  # -O1 -g1: readable stack traces at a fraction of a debug build's compile time and object size
  # (every TU includes LibTorch's headers). Placed after the build type's -O3, so it wins.
  add_compile_options(${latentlab_sanitizer_flags} -fno-omit-frame-pointer -O1 -g1)
  # GCC's -Wmaybe-uninitialized depends on how much it inlines: at -O1 with the sanitizers it
  # reports LibTorch's own optional<Generator> default argument (TensorBody.h, uniform_) as used
  # uninitialised, a false positive the Release build does not show. -Werror must not stop on it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(${latentlab_sanitizer_flags})
endif()
