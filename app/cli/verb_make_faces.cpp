// latentlab-cli make-faces --out DIR --count N [--seed S] [--size 64] [--threads T]
//                          [--contact-sheet PNG]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/progress_line.h"
#include "app/cli/verbs.h"
#include "core/faces/face_generator.h"

namespace latentlab::cli {
namespace {

struct MakeFacesOptions {
  std::string out;
  int64_t count = 0;
  uint64_t seed = 1;
  int size = 64;
  int threads = 0;
  std::string contact_sheet;
};

void run_make_faces(const MakeFacesOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  // On a terminal the status line is rewritten in place; in a log, one line every 5 s.
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  double last_shown = -1e9;
  write_face_dataset(o.out, o.count, o.seed, o.size, o.threads, [&](int64_t done, int64_t total) {
    const double elapsed = seconds_since(start);
    if (done < total && elapsed - last_shown < (tty ? 0.2 : 5.0)) return true;
    last_shown = elapsed;
    const double rate = elapsed > 0.0 ? double(done) / elapsed : 0.0;
    const double eta = rate > 0.0 ? double(total - done) / rate : 0.0;
    std::fprintf(stderr, "%smake-faces: %lld/%lld (%3.0f%%)  %6.0f faces/s  ETA %4.0f s%s",
                 tty ? "\r" : "", static_cast<long long>(done), static_cast<long long>(total),
                 100.0 * double(done) / double(total), rate, eta, tty ? " " : "\n");
    return true;
  });
  if (tty) std::fprintf(stderr, "\n");
  const double elapsed = seconds_since(start);
  std::cout << "wrote " << o.count << " faces of " << o.size << "x" << o.size << " to " << o.out
            << " in " << elapsed << " s (" << double(o.count) / elapsed << " faces/s)\n"
            << "attributes:";
  for (const auto& name : face_attribute_names()) std::cout << " " << name;
  std::cout << std::endl;
  if (!o.contact_sheet.empty()) {
    write_face_contact_sheet(o.contact_sheet, o.seed, o.size);
    std::cout << "contact sheet of the first 64 faces: " << o.contact_sheet << std::endl;
  }
}

}  // namespace

void add_make_faces_verb(CLI::App& app) {
  auto* verb = app.add_subcommand("make-faces",
                                  "Generate labelled synthetic faces in the CelebA layout "
                                  "(img_align_celeba/NNNNNN.png + list_attr_celeba.txt)");
  auto o = std::make_shared<MakeFacesOptions>();
  verb->add_option("--out", o->out, "Output folder")->required();
  verb->add_option("--count", o->count, "Number of faces")->required()->check(CLI::PositiveNumber);
  verb->add_option("--seed", o->seed, "Random seed: the same seed gives the same files")
      ->capture_default_str();
  verb->add_option("--size", o->size, "Image side in pixels")
      ->check(CLI::Range(16, 1024))
      ->capture_default_str();
  verb->add_option("--threads", o->threads, "Worker threads (0: every core)")
      ->capture_default_str();
  verb->add_option("--contact-sheet", o->contact_sheet,
                   "Also write a PNG of the first 64 faces (8x8, twice the size)");
  verb->callback([o] { run_make_faces(*o); });
}

}  // namespace latentlab::cli
