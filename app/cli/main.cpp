// latentlab-cli: everything the GUI exports, plus training and evaluation, for scripts.
// Exit code 0 on success; on any error one line on stderr and a non-zero exit code.
#include <c10/util/Exception.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/model/device.h"

namespace {

// One line, whatever the error text held.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

int fail(const std::string& message) {
  std::cerr << "latentlab-cli: error: " << one_line(message) << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "LatentLab command line: inspect, decode, encode, interpolate, train and evaluate "
      "generative image models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "latentlab-cli 0.1.0");
  latentlab::cli::add_info_verb(app);
  latentlab::cli::add_attributes_verb(app);
  latentlab::cli::add_embed_verb(app);
  latentlab::cli::add_gmm_verb(app);
  latentlab::cli::add_decode_verb(app);
  latentlab::cli::add_encode_verb(app);
  latentlab::cli::add_reconstruct_verb(app);
  latentlab::cli::add_interpolate_verb(app);
  latentlab::cli::add_sample_verb(app);
  latentlab::cli::add_make_faces_verb(app);
  latentlab::cli::add_train_verb(app);
  latentlab::cli::add_eval_verb(app);
  latentlab::cli::add_edit_verb(app);
  latentlab::cli::add_release_verb(app);
  latentlab::cli::add_bench_verb(app);
  latentlab::tune_allocator();
  try {
    latentlab::configure_threads();
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print and exit 0; a usage error is one line like any other error.
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(std::string(e.what()) + " (see --help)");
  } catch (const latentlab::Error& e) {
    return fail(e.what());
  } catch (const c10::Error& e) {
    return fail(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return 0;
}
