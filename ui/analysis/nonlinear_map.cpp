#include "ui/analysis/nonlinear_map.h"

#include <torch/torch.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace latentlab::ui {
namespace {

constexpr const char* kCacheMagic = "latentlab-map-layout 1\n";

// "method:key=value,key=value" -> method and the values by key.
std::map<std::string, double> parseSpec(const std::string& spec, std::string* method) {
  const auto colon = spec.find(':');
  *method = spec.substr(0, colon);
  std::map<std::string, double> values;
  if (colon == std::string::npos) return values;
  size_t at = colon + 1;
  while (at < spec.size()) {
    const auto comma = std::min(spec.find(',', at), spec.size());
    const std::string item = spec.substr(at, comma - at);
    const auto equals = item.find('=');
    char* end = nullptr;
    const double value =
        equals == std::string::npos ? 0.0 : std::strtod(item.c_str() + equals + 1, &end);
    if (equals == std::string::npos || end == item.c_str() + equals + 1 || *end != '\0')
      throw InputError("map spec '" + spec + "': expected key=value, got '" + item + "'");
    values[item.substr(0, equals)] = value;
    at = comma + 1;
  }
  return values;
}

double take(std::map<std::string, double>& values, const std::string& key, double fallback) {
  const auto it = values.find(key);
  if (it == values.end()) return fallback;
  const double value = it->second;
  values.erase(it);
  return value;
}

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

}  // namespace

bool isNonlinearSpec(const std::string& spec) {
  return spec.rfind("umap", 0) == 0 || spec.rfind("tsne", 0) == 0;
}

NonlinearMap::NonlinearMap(const std::string& spec) : m_spec(spec) {
  std::string method;
  auto values = parseSpec(spec, &method);
  if (method == "umap") {
    UmapOptions options;
    options.neighbours = int64_t(take(values, "neighbours", double(options.neighbours)));
    options.min_dist = take(values, "min_dist", options.min_dist);
    options.epochs = int64_t(take(values, "iterations", 0.0));
    options.seed = uint64_t(take(values, "seed", 0.0));
    m_umap = std::make_unique<Umap>(options);
  } else if (method == "tsne") {
    TsneOptions options;
    options.perplexity = take(values, "perplexity", options.perplexity);
    options.iterations = int64_t(take(values, "iterations", double(options.iterations)));
    options.seed = uint64_t(take(values, "seed", 0.0));
    m_tsne = std::make_unique<Tsne>(options);
  } else {
    throw InputError("map spec '" + spec + "': expected umap:... or tsne:...");
  }
  if (!values.empty())
    throw InputError("map spec '" + spec + "': unknown key '" + values.begin()->first + "'");
}

NonlinearMap::~NonlinearMap() = default;

void NonlinearMap::initialize(const torch::Tensor& latents, const MapProgress& progress) {
  if (m_umap) m_umap->initialize(latents, progress);
  if (m_tsne) m_tsne->initialize(latents, progress);
}

bool NonlinearMap::restore(const std::string& path, const torch::Tensor& latents,
                           const MapProgress& progress) {
  std::error_code error;
  if (path.empty() || !std::filesystem::is_regular_file(path, error)) return false;
  const std::string bytes = read_file(path);
  const size_t header = std::strlen(kCacheMagic);
  const size_t expected = header + size_t(latents.size(0)) * 2 * sizeof(float);
  if (bytes.size() != expected || bytes.compare(0, header, kCacheMagic) != 0) return false;
  auto xy = torch::empty({latents.size(0), 2}, torch::kFloat32);
  std::memcpy(xy.data_ptr<float>(), bytes.data() + header, bytes.size() - header);
  if (!torch::isfinite(xy).all().item<bool>()) return false;
  if (m_umap) m_umap->restore(latents, xy, progress);
  if (m_tsne) m_tsne->restore(latents, xy, progress);
  return true;
}

void NonlinearMap::save(const std::string& path) const {
  const auto xy = (m_umap ? m_umap->embedding() : m_tsne->embedding()).contiguous();
  std::string bytes = kCacheMagic;
  bytes.append(reinterpret_cast<const char*>(xy.data_ptr<float>()),
               size_t(xy.numel()) * sizeof(float));
  write_file_atomically(path, bytes);
}

int64_t NonlinearMap::step(int64_t steps, const KeepGoing& keep_going) {
  return m_umap ? m_umap->step(steps, keep_going) : m_tsne->step(steps, keep_going);
}

bool NonlinearMap::done() const { return m_umap ? m_umap->done() : m_tsne->done(); }

double NonlinearMap::fraction() const {
  const double done = double(m_umap ? m_umap->epoch() : m_tsne->iteration());
  const double total = double(m_umap ? m_umap->total_epochs() : m_tsne->total_iterations());
  return total > 0.0 ? done / total : 1.0;
}

std::vector<double> NonlinearMap::positions() const {
  if (m_tsne) return m_tsne->positions();
  const auto& xy = m_umap->positions();
  return std::vector<double>(xy.begin(), xy.end());
}

std::vector<double> NonlinearMap::transform(const std::vector<float>& latent) const {
  const auto z = torch::tensor(latent, torch::kFloat32);
  const auto xy = (m_umap ? m_umap->transform(z) : m_tsne->transform(z)).to(torch::kFloat64);
  return {xy[0].item<double>(), xy[1].item<double>()};
}

int64_t NonlinearMap::dim() const { return m_umap ? m_umap->index().dim() : m_tsne->index().dim(); }

std::string NonlinearMap::name() const { return m_umap ? "UMAP" : "t-SNE"; }

std::string NonlinearMap::description() const {
  if (m_umap) {
    const auto& o = m_umap->options();
    return std::to_string(o.neighbours) + " neighbours, min dist " + format("%g", o.min_dist) +
           ", seed " + std::to_string(o.seed) + ", epoch " + std::to_string(m_umap->epoch()) + "/" +
           std::to_string(m_umap->total_epochs());
  }
  const auto& o = m_tsne->options();
  // The perplexity as used: capped at (N - 1) / 3 for small data sets.
  const double perplexity = m_tsne->initialized() ? m_tsne->perplexity() : o.perplexity;
  return "perplexity " + format("%g", perplexity) + ", seed " + std::to_string(o.seed) +
         ", iteration " + std::to_string(m_tsne->iteration()) + "/" +
         std::to_string(m_tsne->total_iterations());
}

std::string NonlinearMap::cacheSuffix() const {
  std::string suffix = "." + m_spec + ".layout";
  for (char& c : suffix)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  return suffix;
}

}  // namespace latentlab::ui
