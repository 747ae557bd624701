#pragma once
// faces:seed=S,count=N[,size=P]: the project's synthetic faces (core/faces) as a data set of their
// own, so the bundled faces models can name the data they were trained on without any file. The
// first open renders the faces into the user's cache folder, in the CelebA layout that
// `latentlab-cli make-faces` writes (the same bytes), with progress; later opens read them back.
// A half-rendered folder is never taken for a whole one: write_face_dataset writes the attribute
// file last.
#include <cstdint>
#include <memory>
#include <string>

#include "core/data/dataset.h"

namespace latentlab {

struct FacesSpec {
  uint64_t seed = 1;
  int64_t count = 0;
  int size = 64;
};

// Parses "seed=S,count=N[,size=P]" (any order; count is required). Throws InputError naming the
// spec and what is wrong.
FacesSpec parse_faces_spec(const std::string& spec, const std::string& rest);

// Where the faces of spec are rendered: user_cache_dir()/faces/seed-S-count-N-size-P.
std::string generated_faces_dir(const FacesSpec& faces);

// Renders the faces if their folder is not complete yet (reporting through
// options.on_progress), then opens the folder as a CelebA data set named `spec`.
std::unique_ptr<Dataset> open_generated_faces(const std::string& rest,
                                              const DatasetOptions& options,
                                              const std::string& spec);

}  // namespace latentlab
