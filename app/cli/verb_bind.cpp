// latentlab-cli bind MODEL SPEC
// Binds a data set to a model without computing anything: it becomes the default of --data and
// of the GUI's latent map, stored with the model's analysis (paths relative to the file that
// stores them when the data lies below it).
#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_fitting.h"
#include "app/cli/verbs.h"
#include "core/model/model_analysis.h"

namespace latentlab::cli {

void add_bind_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "bind", "Bind a data set to a model: the default of --data and of the GUI's latent map");
  auto model = std::make_shared<std::string>();
  auto spec = std::make_shared<std::string>();
  verb->add_option("model", *model, "Model file (checkpoint or TorchScript)")->required();
  verb->add_option("spec", *spec, kDataSpecHelp)->required();
  verb->callback([model, spec] {
    auto loaded = open_model(*model, "cpu");
    auto info = loaded.info;
    const std::string bound = data_spec_for(loaded, *spec);
    bind_dataset(info, bound);
    store_analysis(loaded, info, "the data set " + bound);
  });
}

}  // namespace latentlab::cli
