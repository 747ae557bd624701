#include "core/readers/generated_faces.h"

#include <charconv>
#include <filesystem>

#include "core/common/error.h"
#include "core/faces/face_generator.h"
#include "core/io/user_dirs.h"
#include "core/readers/celeba_dataset.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxFaces = 10'000'000;

template <typename T>
T parse_number(const std::string& spec, const std::string& key, const std::string& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw InputError("data set '" + spec + "': " + key + " must be a whole number, not '" + text +
                     "'");
  return value;
}

}  // namespace

FacesSpec parse_faces_spec(const std::string& spec, const std::string& rest) {
  FacesSpec faces;
  bool has_count = false;
  size_t start = 0;
  while (start <= rest.size() && !rest.empty()) {
    const size_t comma = std::min(rest.find(',', start), rest.size());
    const std::string item = rest.substr(start, comma - start);
    const size_t equals = item.find('=');
    const std::string key = item.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : item.substr(equals + 1);
    if (key == "seed") {
      faces.seed = parse_number<uint64_t>(spec, key, value);
    } else if (key == "count") {
      faces.count = parse_number<int64_t>(spec, key, value);
      has_count = true;
    } else if (key == "size") {
      faces.size = parse_number<int>(spec, key, value);
    } else {
      throw InputError("data set '" + spec + "': unknown setting '" + item +
                       "' (expected faces:seed=S,count=N[,size=P])");
    }
    start = comma + 1;
  }
  if (!has_count)
    throw InputError("data set '" + spec + "' needs a count (faces:seed=S,count=N[,size=P])");
  if (faces.count < 1 || faces.count > kMaxFaces)
    throw InputError("data set '" + spec + "': count must be between 1 and " +
                     std::to_string(kMaxFaces));
  if (faces.size < kMinFaceSize || faces.size > kMaxFaceSize)
    throw InputError("data set '" + spec + "': size must be between " +
                     std::to_string(kMinFaceSize) + " and " + std::to_string(kMaxFaceSize));
  return faces;
}

std::string generated_faces_dir(const FacesSpec& faces) {
  return (fs::path(user_cache_dir()) / "faces" /
          ("seed-" + std::to_string(faces.seed) + "-count-" + std::to_string(faces.count) +
           "-size-" + std::to_string(faces.size)))
      .string();
}

std::unique_ptr<Dataset> open_generated_faces(const std::string& rest,
                                              const DatasetOptions& options,
                                              const std::string& spec) {
  const FacesSpec faces = parse_faces_spec(spec, rest);
  const std::string dir = generated_faces_dir(faces);
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / kCelebaAttributeFile, ec)) {
    try {
      write_face_dataset(dir, faces.count, faces.seed, faces.size, /*threads=*/0,
                         options.on_progress);
    } catch (const WriteError& e) {
      throw WriteError("cannot render data set '" + spec + "' into the cache folder: " + e.what());
    }
  }
  return open_celeba_dataset(dir, options, spec);
}

}  // namespace latentlab
