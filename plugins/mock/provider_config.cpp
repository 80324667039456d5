#include "provider_config.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>

#include "quote.h"

namespace sscsi::mock {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& problem) {
  throw std::invalid_argument("mock plugin config: " + problem);
}

std::vector<std::filesystem::path> allowed_content_dirs(const json& value) {
  if (!value.is_array()) refuse("allowedContentDirs must be an array of absolute directory paths");
  std::vector<std::filesystem::path> dirs;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string where = "allowedContentDirs[" + std::to_string(i) + "]";
    if (!value[i].is_string()) refuse(where + " must be a string");
    const std::string text = value[i].get<std::string>();
    if (text.find('\0') != std::string::npos) refuse(where + " contains a NUL byte");
    if (text.empty() || text.front() != '/') {
      refuse(where + " " + quote(text) + " is not an absolute path");
    }
    std::filesystem::path dir = std::filesystem::path(text).lexically_normal();
    // "/etc/sscsi/" and "/etc/sscsi" name one directory; keep one spelling for messages.
    if (!dir.has_filename() && dir != dir.root_path()) dir = dir.parent_path();
    dirs.push_back(std::move(dir));
  }
  return dirs;
}

}  // namespace

ProviderConfig parse_provider_config(const char* config_json) {
  json config;
  try {
    config = json::parse(config_json == nullptr ? "{}" : config_json);
  } catch (const json::parse_error& e) {
    refuse("not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {
    // The only other exception parsing throws: a number beyond a double (1e400).
    refuse("not valid JSON (a number is out of range)");
  }
  if (!config.is_object()) refuse(std::string("must be a JSON object, not ") + config.type_name());

  ProviderConfig result;
  for (const auto& [key, value] : config.items()) {
    if (key == "allowedContentDirs") {
      result.allowed_content_dirs = allowed_content_dirs(value);
    } else {
      refuse("unknown key " + quote(key) + " (known keys: allowedContentDirs)");
    }
  }
  return result;
}

const char* provider_config_schema() noexcept {
  return R"json({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "sscsi mock provider configuration",
  "description": "Configuration of libsscsi-provider-mock.so, given to sscsi-host with --plugin-config.",
  "type": "object",
  "properties": {
    "allowedContentDirs": {
      "description": "Absolute directories whose files a SecretProviderClass object may name in contentFile. The file's real path (symbolic links resolved) must lie inside one of them. Empty or absent: contentFile is refused.",
      "type": "array",
      "items": {"type": "string", "pattern": "^/"},
      "default": []
    }
  },
  "additionalProperties": false
})json";
}

}  // namespace sscsi::mock
