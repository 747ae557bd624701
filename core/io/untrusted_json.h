#pragma once
// JSON from files LatentLab did not necessarily write (checkpoint headers, latentlab.json, latent
// and session files). nlohmann's parser is iterative, but copying and dumping a value recurse
// once per nesting level: 100000 nested brackets overflow the stack (found by the hostile corpus
// under ASan). Nesting deeper than kMaxJsonDepth is refused as a parse error.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace latentlab {

constexpr int kMaxJsonDepth = 128;  // far deeper than any file LatentLab reads

// nlohmann::json::parse with the depth limit; throws nlohmann::json::exception like parse does.
nlohmann::json parse_untrusted_json(std::string_view text);

// An exception's text for a user: nlohmann's "[json.exception.parse_error.101] " prefix dropped.
std::string json_error_text(const nlohmann::json::exception& e);

}  // namespace latentlab
