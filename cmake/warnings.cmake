# Warnings on for everything LatentLab compiles (qBittorrent's CommonConfig.cmake does the same).
# Third-party headers (LibTorch, Qt, QCustomPlot: imported targets; OpenCV: marked SYSTEM where
# included) do not warn. LATENTLAB_WERROR turns warnings into errors (the sanitizer CI build).
option(LATENTLAB_WERROR "Treat compiler warnings as errors" OFF)
add_compile_options(-Wall -Wextra -Wpedantic)
if(LATENTLAB_WERROR)
  add_compile_options(-Werror)
endif()
