// latentlab-cli: everything the GUI exports, plus training and evaluation, for scripts.
// Exit code 0 on success; on any error one line on stderr and a non-zero exit code.
#include <c10/util/Exception.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/cli/verbs.h"
#include "core/common/allocator_tuning.h"
#include "core/common/error.h"
#include "core/model/device.h"
#include "core/model/library_versions.h"

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

// The lines of Help > About. The CLI uses neither Qt nor QCustomPlot, and OpenCV only inside core:
// it names the versions this build was made with (from CMake), the GUI's.
std::string version_text() {
  const latentlab::OtherLibraryVersions others{LATENTLAB_QT_VERSION, LATENTLAB_OPENCV_VERSION,
                                               LATENTLAB_QCUSTOMPLOT_VERSION};
  const std::string device = latentlab::device_name(latentlab::resolve_device("auto"));
  return "latentlab-cli " LATENTLAB_VERSION "\n" + latentlab::library_versions_text(others, device);
}

}  // namespace

int main(int argc, char** argv) {
  // Named, so that usage lines (and the man page made from them) say latentlab-cli, not argv[0].
  CLI::App app{
      "LatentLab command line: inspect, decode, encode, interpolate, train and evaluate "
      "generative image models",
      "latentlab-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text);
  latentlab::cli::add_info_verb(app);
  latentlab::cli::add_attributes_verb(app);
  latentlab::cli::add_embed_verb(app);
  latentlab::cli::add_gmm_verb(app);
  latentlab::cli::add_analyse_verb(app);
  latentlab::cli::add_bind_verb(app);
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
