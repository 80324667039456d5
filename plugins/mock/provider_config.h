#pragma once
// The mock plugin's own configuration (create's config_json, from the host's --plugin-config):
//
//   {"allowedContentDirs": ["/etc/sscsi/mock-content"]}
//
// allowedContentDirs: the only directories whose files a contentFile may name (checked after
// resolving symbolic links). Absent or empty: contentFile is refused. No other keys exist; an
// unknown key is an error so that a misspelt option does not silently open or close anything.

#include <filesystem>
#include <vector>

namespace sscsi::mock {

struct ProviderConfig {
  std::vector<std::filesystem::path> allowed_content_dirs;  // absolute, lexically normal
};

// Parses `config_json` (NULL counts as "{}"). Throws std::invalid_argument with a message that
// names the key and the problem.
ProviderConfig parse_provider_config(const char* config_json);

// The JSON Schema (draft 2020-12) of the configuration, a static string.
const char* provider_config_schema() noexcept;

}  // namespace sscsi::mock
