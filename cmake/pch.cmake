# Every target that includes LibTorch reuses core's precompiled header (~9 s instead of ~20 s per
# translation unit). GCC refuses a PCH built with other PIC/PIE settings: core, a static library,
# is compiled with -fPIC, while executables default to -fPIE. Position-independent code links into
# a PIE executable just as well, so the targets that reuse the header are compiled with -fPIC too.
function(latentlab_reuse_core_pch target)
  target_precompile_headers(${target} REUSE_FROM latentlab_core)
  target_compile_options(${target} PRIVATE -fPIC)
endfunction()
