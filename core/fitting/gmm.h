#pragma once
// The GMM moved to core/analysis (LibTorch only, so the CUDA core-only build has it); this header
// keeps the includes of the GUI and CLI working until they name core/analysis/gmm.h.
#include "core/analysis/gmm.h"
