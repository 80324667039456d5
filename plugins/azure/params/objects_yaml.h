#pragma once
// The `objects` parameter's two YAML layers (reference azure-provider.md §2): a mapping whose
// `array` is a list of strings, each string a YAML mapping describing one object. Decoded as
// upstream's yaml.v3 decodes them into types.StringArray and types.KeyVaultObject: unknown keys
// ignored, keys case-sensitive, any scalar accepted for a string field (unquoted 0755 keeps its
// text), every string field whitespace-trimmed afterwards.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::azure {

// One object's fields as written, trimmed, not yet validated.
struct ObjectFields {
  std::string name;                  // objectName
  std::string alias;                 // objectAlias
  std::string version;               // objectVersion
  std::string type;                  // objectType
  std::string format;                // objectFormat
  std::string encoding;              // objectEncoding
  std::string file_permission;       // filePermission
  std::int32_t version_history = 0;  // objectVersionHistory (left as written)

  // alias if set, else name (upstream's GetFileName)
  const std::string& file_name() const { return alias.empty() ? name : alias; }
};

// The outer layer. Throws MountError(SSCSI_INVALID_PARAMETERS)
// "failed to yaml unmarshal objects, error: <yaml.v3-style text>".
std::vector<std::string> parse_objects_array(std::string_view objects);

// One element. Throws MountError(SSCSI_INVALID_PARAMETERS)
// "unmarshal failed for keyVaultObjects at index <index>, error: <yaml.v3-style text>".
// objectVersionHistory must be a YAML integer within int32 (a float is refused, where yaml.v3
// would truncate it).
ObjectFields parse_object_fields(std::string_view text, std::size_t index);

}  // namespace sscsi::azure
