# Warnings on for everything LatentLab compiles (qBittorrent's CommonConfig.cmake does the same).
# Third-party headers (LibTorch, Qt, QCustomPlot: imported targets; OpenCV: marked SYSTEM where
# included) do not warn. LATENTLAB_WERROR turns warnings into errors (the sanitizer CI build).
option(LATENTLAB_WERROR "Treat compiler warnings as errors" OFF)
add_compile_options(-Wall -Wextra -Wpedantic)
if(LATENTLAB_WERROR)
  add_compile_options(-Werror)
endif()
# A unity build #includes every source into its batch's file, so GCC takes each source for a
# header and warns about its classes that use the anonymous namespace (-Wsubobject-linkage): for
# a file included once that is no problem, so the warning is off in unity builds only.
if(LATENTLAB_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-subobject-linkage)
endif()
