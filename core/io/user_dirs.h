#pragma once
// The per-user folders LatentLab writes to, following the XDG base directory specification.
#include <string>

namespace latentlab {

// Regenerable files (embeddings, generated data sets): $LATENTLAB_CACHE_DIR, else
// $XDG_CACHE_HOME/latentlab, else ~/.cache/latentlab.
std::string user_cache_dir();

// Files worth keeping that have no better home (analysis stores of models in read-only folders):
// $XDG_DATA_HOME/latentlab, else ~/.local/share/latentlab.
std::string user_data_dir();

}  // namespace latentlab
