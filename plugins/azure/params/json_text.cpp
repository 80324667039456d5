#include "params/json_text.h"

#include "common/mount_error.h"
#include "common/secret_string.h"

namespace sscsi::azure {
namespace {

void wipe_string(nlohmann::json& value) noexcept {
  if (!value.is_string()) return;
  auto& text = value.get_ref<std::string&>();
  wipe_memory(text.data(), text.size());
}

}  // namespace

nlohmann::json parse_json_quietly(std::string_view text, std::string_view prefix) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // byte is 1-based and points at the character that failed; past the end means truncated.
    if (e.byte > text.size()) {
      throw invalid_parameters(std::string(prefix) + "unexpected end of JSON input");
    }
    throw invalid_parameters(std::string(prefix) + "invalid JSON (syntax error at byte " +
                             std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {
    // out_of_range 406: a number beyond a double's range (1e400). encoding/json would skip it in
    // a member it does not read, but nlohmann cannot hold it, so the text is refused as a whole.
    throw invalid_parameters(std::string(prefix) + "invalid JSON (a number is out of range)");
  }
}

std::string_view go_json_type_word(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "number";
  }
}

void wipe_json_strings(nlohmann::json& value) noexcept {
  wipe_string(value);
  if (value.is_object() || value.is_array()) {
    for (auto& item : value) wipe_string(item);
  }
}

}  // namespace sscsi::azure
