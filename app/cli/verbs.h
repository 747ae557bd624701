#pragma once
// Each verb of latentlab-cli lives in its own verb_NAME.cpp and adds itself to the app here.
#include <CLI/CLI.hpp>

namespace latentlab::cli {

void add_info_verb(CLI::App& app);
void add_attributes_verb(CLI::App& app);
void add_embed_verb(CLI::App& app);
void add_gmm_verb(CLI::App& app);
void add_decode_verb(CLI::App& app);
void add_encode_verb(CLI::App& app);
void add_reconstruct_verb(CLI::App& app);
void add_interpolate_verb(CLI::App& app);
void add_sample_verb(CLI::App& app);
void add_make_faces_verb(CLI::App& app);
void add_train_verb(CLI::App& app);
void add_eval_verb(CLI::App& app);
void add_edit_verb(CLI::App& app);
void add_release_verb(CLI::App& app);
void add_bench_verb(CLI::App& app);
void add_analyse_verb(CLI::App& app);
void add_bind_verb(CLI::App& app);

}  // namespace latentlab::cli
