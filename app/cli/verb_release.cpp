// latentlab-cli release CKPT --out OUT [--float32]
// Writes the small file that ships: the weights (float16 unless --float32; loading restores
// float32) and the model card, without the optimizer state that makes a training file
// resumable (two thirds of its size for Adam).
#include <iostream>
#include <memory>

#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/model/model_file.h"
#include "core/model/native_model.h"

namespace latentlab::cli {

void add_release_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "release", "Write a checkpoint without its training state, as float16 by default");
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto float32 = std::make_shared<bool>(false);
  verb->add_option("checkpoint", *in, "Trained native checkpoint (.llckpt)")->required();
  verb->add_option("--out", *out, "Release file to write")->required();
  verb->add_flag("--float32", *float32, "Keep float32 weights");
  verb->callback([in, out, float32] {
    const LoadedModel loaded = load_model(*in, "cpu");
    auto native = std::dynamic_pointer_cast<NativeModel>(loaded.model);
    if (!native)
      throw InputError(*in + ": only native .llckpt checkpoints can be released (this is " +
                       loaded.info.format + ")");
    SaveOptions options;
    options.half_precision = !*float32;
    save_checkpoint(*out, *native, loaded.info, options);
    std::cout << "wrote " << *out << " (" << (*float32 ? "float32" : "float16")
              << " weights, no training state)\n";
  });
}

}  // namespace latentlab::cli
