// latentlab-cli edit CKPT (IMAGE|seed:N|z:FILE)... --attribute NAME=AMOUNT ... --out PNG
//   [--sweep N] [--scale S]
//
// Each source gets the rows below, one source after the other.
// Adds stored attribute vectors to a latent and decodes. What the PNG shows, left to right:
//   default:   [the input image] | its decode | one column per attribute (that attribute alone)
//              | all attributes together (with two or more attributes)
//   --sweep N: one row per attribute, [the input image] then N decodes with the attribute's
//              strength going from -AMOUNT to +AMOUNT (the middle one is the unedited decode)
// The input image column appears when every source is an image file. The latent moves by
// AMOUNT * direction, the direction as stored (for mean-difference vectors, 1 is the average
// gap between images with and without the attribute).
#include <torch/torch.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/model/pixels.h"

namespace latentlab::cli {
namespace {

constexpr int64_t kMaxSweep = 64;

struct EditArgs {
  std::string checkpoint, out, device = "auto";
  std::vector<std::string> sources, attributes;
  int64_t sweep = 0;
  int scale = 1;
};

struct Edit {
  std::string name;
  double amount = 1.0;
  torch::Tensor direction;  // [D]
};

std::string known_attributes(const ModelInfo& info) {
  if (info.attributes.empty())
    return "it has none: compute them with latentlab-cli attributes CKPT --data SPEC";
  std::string text = "known:";
  for (const auto& [name, a] : info.attributes) text += " " + name;
  return text;
}

std::string format_amount(double amount) {
  std::ostringstream out;
  out << (amount >= 0 ? "+" : "") << amount;
  return out.str();
}

// "Smiling=1.5" or "Smiling" (amount 1).
Edit parse_edit(const std::string& text, const LoadedModel& loaded) {
  Edit e;
  const auto eq = text.rfind('=');
  e.name = eq == std::string::npos ? text : text.substr(0, eq);
  if (eq != std::string::npos) {
    const std::string value = text.substr(eq + 1);
    try {
      size_t used = 0;
      e.amount = std::stod(value, &used);
      if (used != value.size() || !std::isfinite(e.amount)) throw std::invalid_argument(value);
    } catch (const std::exception&) {
      throw InputError("--attribute " + text + ": '" + value + "' is not a number");
    }
  }
  const auto& attributes = loaded.info.attributes;
  const auto it = attributes.find(e.name);
  if (it == attributes.end())
    throw InputError("unknown attribute '" + e.name + "' in " + loaded.path + " (" +
                     known_attributes(loaded.info) + ")");
  e.direction = torch::tensor(it->second.direction, torch::kFloat32);
  if (e.direction.numel() != loaded.model->latent_dim())
    throw InputError("attribute '" + e.name + "' has " + std::to_string(e.direction.numel()) +
                     " values, the latent " + std::to_string(loaded.model->latent_dim()));
  return e;
}

bool is_image_source(const std::string& source) {
  return source.rfind("seed:", 0) != 0 && source.rfind("z:", 0) != 0;
}

// The latents of one source's rows, row after row, and the column names.
std::vector<torch::Tensor> edited_latents(const torch::Tensor& z, const std::vector<Edit>& edits,
                                          int64_t sweep, std::vector<std::string>* columns) {
  std::vector<torch::Tensor> latents;
  columns->clear();
  if (sweep == 0) {
    latents.push_back(z);
    columns->push_back("decoded");
    auto combined = z.clone();
    for (const auto& e : edits) {
      latents.push_back(z + e.amount * e.direction);
      combined += e.amount * e.direction;
      columns->push_back(e.name + format_amount(e.amount));
    }
    if (edits.size() > 1) {
      latents.push_back(combined);
      columns->push_back("all together");
    }
    return latents;
  }
  const auto steps = torch::linspace(-1.0, 1.0, sweep, torch::kFloat64);
  for (const auto& e : edits) {
    for (int64_t i = 0; i < sweep; ++i)
      latents.push_back(z + steps[i].item<double>() * e.amount * e.direction);
    columns->push_back(e.name + " " + format_amount(-e.amount) + " .. " + format_amount(e.amount));
  }
  return latents;
}

void run(const EditArgs& a) {
  if (a.attributes.empty()) throw InputError("edit needs at least one --attribute NAME=AMOUNT");
  if (a.sweep != 0 && (a.sweep < 3 || a.sweep > kMaxSweep || a.sweep % 2 == 0))
    throw InputError("--sweep must be an odd number between 3 and " + std::to_string(kMaxSweep));
  check_output_file(a.out);
  auto loaded = open_model(a.checkpoint, a.device);
  std::vector<Edit> edits;
  for (const auto& text : a.attributes) edits.push_back(parse_edit(text, loaded));

  // The input column only when every source is an image, so that the columns line up.
  const bool with_input = std::all_of(a.sources.begin(), a.sources.end(), is_image_source);
  const int64_t rows_per_source = a.sweep == 0 ? 1 : int64_t(edits.size());
  std::vector<torch::Tensor> latents;
  std::vector<std::string> columns;
  for (const auto& source : a.sources) {
    const auto rows = edited_latents(latent_from_spec(source, loaded), edits, a.sweep, &columns);
    latents.insert(latents.end(), rows.begin(), rows.end());
  }
  const int64_t per_row = int64_t(latents.size() / a.sources.size()) / rows_per_source;
  const auto decoded = decode_in_batches(*loaded.model, torch::stack(latents));
  std::vector<torch::Tensor> tiles;
  for (size_t s = 0; s < a.sources.size(); ++s) {
    const auto input = with_input ? read_images({a.sources[s]}, loaded) : torch::Tensor();
    for (int64_t r = 0; r < rows_per_source; ++r) {
      if (with_input) tiles.push_back(input);
      tiles.push_back(decoded.narrow(0, (int64_t(s) * rows_per_source + r) * per_row, per_row));
    }
  }
  const auto range = loaded.model->output_range();
  const auto grid = make_grid(torch::cat(tiles), per_row + (with_input ? 1 : 0), 2, range.hi);
  write_png(a.out, grid, range, a.scale);
  std::cout << "wrote " << a.out << " (" << (a.sweep ? "rows" : "columns") << ": "
            << (with_input ? "input, " : "");
  for (size_t i = 0; i < columns.size(); ++i) std::cout << (i ? ", " : "") << columns[i];
  std::cout << (a.sources.size() > 1 ? "; for each source in turn" : "") << ")" << std::endl;
}

}  // namespace

void add_edit_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "edit", "Decode a latent with attribute vectors added (smile, glasses, beard, ...)");
  auto a = std::make_shared<EditArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file with attribute vectors")->required();
  verb->add_option("sources", a->sources,
                   "What to edit, a row (or with --sweep a block of rows) each: an image file "
                   "(VAE: its posterior mean), seed:N (a prior sample) or z:FILE (one latent, "
                   "JSON or .npy)")
      ->required();
  verb->add_option("--attribute", a->attributes,
                   "NAME=AMOUNT: add AMOUNT times the stored vector NAME (repeatable; NAME alone "
                   "means 1)")
      ->required();
  verb->add_option("--sweep", a->sweep,
                   "Instead of one row: a row per attribute of N images from -AMOUNT to +AMOUNT");
  add_png_output_options(verb, &a->scale, &a->out, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
