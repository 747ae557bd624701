# The libFuzzer targets, one tests/fuzz/NAME.cpp each with its corpus in tests/fuzz/corpus/NAME/:
# built with libFuzzer by tests/fuzz/CMakeLists.txt (scripts/fuzz.sh) and replayed without it by
# fuzz_replay (tests/CMakeLists.txt). scripts/fuzz.sh reads this list too.
set(LATENTLAB_FUZZ_TARGETS
  fuzz_checkpoint
  fuzz_model_file
  fuzz_script_model
  fuzz_idx
  fuzz_latents
  fuzz_celeba
  fuzz_session
  fuzz_image_header
)
