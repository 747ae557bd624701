#include "core/io/untrusted_json.h"

#include <string>

namespace latentlab {

nlohmann::json parse_untrusted_json(std::string_view text) {
  using nlohmann::json;
  const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth)
      throw json::out_of_range::create(
          406, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", nullptr);
    return true;
  };
  return json::parse(text.begin(), text.end(), limit_depth);
}

std::string json_error_text(const nlohmann::json::exception& e) {
  const std::string text = e.what();
  const auto end = text.find("] ");  // "[json.exception.parse_error.101] text"
  return text.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? text.substr(end + 2)
                                                                            : text;
}

}  // namespace latentlab
