#pragma once
// Independent reference computations in Debian's Python (/usr/bin/python3 with NumPy and
// scikit-learn, see scripts/install-deps.sh). The inputs are handed over as float64 raw files;
// the script sees them as the NumPy list `inputs` and must set `output` (any float array).
#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/core/temp_dir.h"

#ifndef LATENTLAB_PYTHON
#define LATENTLAB_PYTHON "/usr/bin/python3"
#endif

// Returns the script's output as a float64 tensor of its shape; on failure an undefined tensor
// and the reason in *error (the script's stderr).
inline torch::Tensor run_python_reference(const std::string& script,
                                          const std::vector<torch::Tensor>& inputs,
                                          std::string* error) {
  TempDir dir;
  std::ostringstream prelude;
  prelude << "import numpy as np\ninputs = []\n";
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto t = inputs[i].to(torch::kCPU, torch::kFloat64).contiguous();
    const auto path = dir.file("in" + std::to_string(i) + ".bin");
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(t.data_ptr<double>()), t.numel() * sizeof(double));
    prelude << "inputs.append(np.fromfile(r'" << path << "', dtype=np.float64).reshape((";
    for (auto s : t.sizes()) prelude << s << ",";
    prelude << ")))\n";
  }
  const auto out = dir.file("out.bin"), shape = dir.file("shape.txt");
  std::ofstream(dir.file("script.py"))
      << prelude.str() << script << "\n"
      << "output = np.asarray(output, dtype=np.float64)\n"
      << "output.tofile(r'" << out << "')\n"
      << "open(r'" << shape << "', 'w').write(' '.join(map(str, output.shape)))\n";
  const std::string command =
      std::string(LATENTLAB_PYTHON) + " " + dir.file("script.py") + " 2> " + dir.file("stderr.txt");
  if (std::system(command.c_str()) != 0) {
    std::ifstream err(dir.file("stderr.txt"));
    *error = std::string(std::istreambuf_iterator<char>(err), {});
    return {};
  }
  std::vector<int64_t> sizes;
  std::ifstream shape_in(shape);
  for (int64_t s; shape_in >> s;) sizes.push_back(s);
  auto result = torch::empty(sizes, torch::kFloat64);
  std::ifstream(out, std::ios::binary)
      .read(reinterpret_cast<char*>(result.data_ptr<double>()), result.numel() * sizeof(double));
  return result;
}
