#include "core/io/latent_io.h"

#include <torch/torch.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/untrusted_json.h"

namespace latentlab {
namespace {

// The npy format stores little-endian data; this reader and writer copy bytes as they are.
bool host_is_little_endian() {
  const uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

constexpr char kNpyMagic[] = "\x93NUMPY";
constexpr size_t kNpyMagicSize = 6;
// Refuse absurd files before allocating: 2^28 floats is a gigabyte.
constexpr uint64_t kMaxLatentValues = uint64_t{1} << 28;

std::string lower_extension(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext;
}

// ---- npy header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// Only the three keys numpy writes are accepted, each exactly once.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') {
        ++i_;
        break;
      }
      const std::string key = quoted();
      expect(':');
      if (key == "descr" && !seen_descr) {
        h.descr = quoted();
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_order) {
        h.fortran_order = boolean();
        seen_order = true;
      } else if (key == "shape" && !seen_shape) {
        h.shape = tuple();
        seen_shape = true;
      } else {
        bad("unexpected key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++i_;
      } else if (peek() != '}') {
        bad("expected ',' or '}'");
      }
    }
    skip_space();
    if (i_ != s_.size()) bad("trailing characters after the dictionary");
    if (!seen_descr || !seen_order || !seen_shape) bad("descr, fortran_order or shape is missing");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    fail<InputError>(path_, "malformed .npy header (" + what + ")");
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n')) ++i_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string quoted() {
    skip_space();
    const char q = peek();
    if (q != '\'' && q != '"') bad("expected a quoted string");
    const auto end = s_.find(q, i_ + 1);
    if (end == std::string::npos) bad("unterminated string");
    std::string out = s_.substr(i_ + 1, end - i_ - 1);
    i_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    if (s_.compare(i_, 4, "True") == 0) {
      i_ += 4;
      return true;
    }
    if (s_.compare(i_, 5, "False") == 0) {
      i_ += 5;
      return false;
    }
    bad("fortran_order is not True or False");
  }
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> dims;
    while (true) {
      skip_space();
      if (peek() == ')') {
        ++i_;
        return dims;
      }
      if (!std::isdigit(static_cast<unsigned char>(peek())))
        bad("shape is not a tuple of integers");
      int64_t value = 0;
      const auto [end, ec] = std::from_chars(s_.data() + i_, s_.data() + s_.size(), value);
      if (ec != std::errc() || value < 0) bad("shape holds a bad integer");
      i_ = static_cast<size_t>(end - s_.data());
      dims.push_back(value);
      skip_space();
      if (peek() == ',')
        ++i_;
      else if (peek() != ')')
        bad("expected ',' or ')' in shape");
    }
  }

  const std::string& s_;
  const std::string& path_;
  size_t i_ = 0;
};

uint64_t read_le(const std::string& bytes, size_t offset, size_t size) {
  uint64_t v = 0;
  for (size_t k = 0; k < size; ++k)
    v |= uint64_t(static_cast<unsigned char>(bytes[offset + k])) << (8 * k);
  return v;
}

torch::Tensor parse_npy(const std::string& bytes, const std::string& path) {
  if (!host_is_little_endian())
    fail<InputError>(path, "reading .npy needs a little-endian machine");
  if (bytes.size() < 10) fail<InputError>(path, "truncated .npy file (no complete header)");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, data_offset = 0;
  if (major == 1) {
    header_len = read_le(bytes, 8, 2);
    data_offset = 10 + header_len;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail<InputError>(path, "truncated .npy file (no complete header)");
    header_len = read_le(bytes, 8, 4);
    data_offset = 12 + header_len;
  } else {
    fail<InputError>(path, "unsupported .npy format version " + std::to_string(major));
  }
  if (data_offset > bytes.size())
    fail<InputError>(path, "truncated .npy file (header longer than the file)");
  const NpyHeader h =
      HeaderParser(bytes.substr(data_offset - header_len, header_len), path).parse();

  size_t item_size = 0;
  if (h.descr == "<f4")
    item_size = 4;
  else if (h.descr == "<f8")
    item_size = 8;
  else if (h.descr == ">f4" || h.descr == ">f8")
    fail<InputError>(path, "big-endian .npy data is not supported");
  else
    fail<InputError>(
        path, "dtype '" + h.descr + "' is not supported (expected float32 '<f4' or float64 '<f8')");
  if (h.fortran_order)
    fail<InputError>(path, "Fortran-order .npy arrays are not supported (save C order)");
  if (h.shape.size() != 1 && h.shape.size() != 2)
    fail<InputError>(
        path, "shape must be [D] or [N, D], got " + std::to_string(h.shape.size()) + " dimensions");

  uint64_t count = 1;
  for (const int64_t d : h.shape) {
    if (d != 0 && count > kMaxLatentValues / uint64_t(d))
      fail<InputError>(path, "the array is too large");
    count *= uint64_t(d);
  }
  if (count > kMaxLatentValues) fail<InputError>(path, "the array is too large");
  const uint64_t expected = uint64_t(data_offset) + count * item_size;
  if (bytes.size() < expected)
    fail<InputError>(path, "truncated .npy file (" + std::to_string(bytes.size()) +
                               " bytes, the header needs " + std::to_string(expected) + ")");
  if (bytes.size() > expected)
    fail<InputError>(
        path, std::to_string(bytes.size() - expected) + " unexpected bytes after the .npy data");

  const int64_t rows = h.shape.size() == 2 ? h.shape[0] : 1;
  const int64_t cols = h.shape.back();
  auto dtype = item_size == 4 ? torch::kFloat32 : torch::kFloat64;
  auto z = torch::empty({rows, cols}, dtype);
  // An empty array has no data pointer, and memcpy from or to null is undefined even for 0 bytes.
  if (count) std::memcpy(z.data_ptr(), bytes.data() + data_offset, count * item_size);
  return z;
}

torch::Tensor parse_json(const std::string& bytes, const std::string& path) {
  nlohmann::json j;
  try {
    j = parse_untrusted_json(bytes);
  } catch (const nlohmann::json::exception& e) {
    fail<InputError>(path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_array() || j.empty())
    fail<InputError>(path, "expected a JSON array of numbers or an array of such arrays");
  const bool nested = j.front().is_array();
  std::vector<const nlohmann::json*> rows;
  if (nested) {
    for (const auto& r : j) {
      if (!r.is_array()) fail<InputError>(path, "mixes arrays and numbers at the top level");
      rows.push_back(&r);
    }
  } else {
    rows.push_back(&j);
  }
  const size_t cols = rows.front()->size();
  auto z = torch::empty({int64_t(rows.size()), int64_t(cols)}, torch::kFloat64);
  auto* out = z.data_ptr<double>();
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r]->size() != cols)
      fail<InputError>(path, "latent " + std::to_string(r) + " has " +
                                 std::to_string(rows[r]->size()) + " numbers, the first has " +
                                 std::to_string(cols));
    for (size_t c = 0; c < cols; ++c) {
      const auto& v = (*rows[r])[c];
      // Not v.dump() for arrays: dumping recurses once per level, and 100000 nested brackets
      // would overflow the stack.
      if (!v.is_number())
        fail<InputError>(path,
                         "latent " + std::to_string(r) + ", value " + std::to_string(c) +
                             " is not a number: " +
                             (v.is_structured() ? std::string("an ") + v.type_name() : v.dump()));
      out[r * cols + c] = v.get<double>();
    }
  }
  return z;
}

std::string shortest(float v) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, end);
}

torch::Tensor as_rows(const torch::Tensor& z) {
  if (z.dim() == 1) return z.unsqueeze(0);
  if (z.dim() != 2 || z.size(0) < 1 || z.size(1) < 1)
    throw InputError("latents to write must have shape [D] or [N, D], got " + c10::str(z.sizes()));
  return z;
}

torch::Tensor checked_float_rows(const torch::Tensor& z) {
  auto rows = as_rows(z).to(torch::kCPU, torch::kFloat32).contiguous();
  if (!torch::isfinite(rows).all().item<bool>())
    throw InputError("latents to write contain NaN or Inf");
  return rows;
}

}  // namespace

torch::Tensor read_latents(const std::string& path, int64_t dim) {
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw InputError(e.what());
  }
  if (bytes.empty()) fail<InputError>(path, "empty file");
  const bool is_npy =
      bytes.size() >= kNpyMagicSize && bytes.compare(0, kNpyMagicSize, kNpyMagic) == 0;
  if (!is_npy && lower_extension(path) == ".npy")
    fail<InputError>(path, "not a .npy file (no NUMPY magic bytes)");
  auto z = is_npy ? parse_npy(bytes, path) : parse_json(bytes, path);
  if (z.size(0) == 0 || z.size(1) == 0) fail<InputError>(path, "holds no latents");
  if (z.size(1) != dim)
    fail<InputError>(path, "latents have " + std::to_string(z.size(1)) +
                               " values, the model needs " + std::to_string(dim));
  if (!torch::isfinite(z).all().item<bool>()) fail<InputError>(path, "latent contains NaN or Inf");
  const double max_abs = z.abs().max().item<double>();
  if (max_abs > std::numeric_limits<float>::max())
    fail<InputError>(path, "a latent value is outside float range");
  return z.to(torch::kFloat32).contiguous();
}

std::string encode_npy(const torch::Tensor& z) {
  if (!host_is_little_endian()) throw WriteError("writing .npy needs a little-endian machine");
  const auto rows = checked_float_rows(z);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(rows.size(0)) + ", " + std::to_string(rows.size(1)) + "), }";
  // numpy pads with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out(kNpyMagic, kNpyMagicSize);
  out.push_back('\x01');
  out.push_back('\x00');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>((header.size() >> 8) & 0xff));
  out += header;
  out.append(static_cast<const char*>(rows.data_ptr()), size_t(rows.numel()) * sizeof(float));
  return out;
}

std::string encode_latents_json(const torch::Tensor& z) {
  const auto rows = checked_float_rows(z);
  const auto* v = rows.data_ptr<float>();
  std::string out = "[\n";
  for (int64_t r = 0; r < rows.size(0); ++r) {
    out += "  [";
    for (int64_t c = 0; c < rows.size(1); ++c) {
      if (c) out += ", ";
      out += shortest(v[r * rows.size(1) + c]);
    }
    out += r + 1 < rows.size(0) ? "],\n" : "]\n";
  }
  out += "]\n";
  return out;
}

void write_latents(const std::string& path, const torch::Tensor& z) {
  const std::string ext = lower_extension(path);
  if (ext == ".npy")
    write_file_atomically(path, encode_npy(z));
  else if (ext == ".json")
    write_file_atomically(path, encode_latents_json(z));
  else
    throw InputError(path + ": latents are written as .json or .npy, not '" + ext + "'");
}

}  // namespace latentlab
