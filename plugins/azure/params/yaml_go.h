#pragma once
// yaml-cpp read the way upstream's gopkg.in/yaml.v3 reads `objects`: plain scalars resolved to
// !!null/!!bool/!!int/!!float/!!str, type mismatches collected as "line <n>: cannot unmarshal
// <tag> `<value>` into <Go type>", duplicate mapping keys refused, and error texts shaped like
// yaml.v3's ("yaml: line 3: ...", "yaml: unmarshal errors:\n  line 1: ...") so that messages
// look like the Go provider's. yaml-cpp's parser decides what is a syntax error, so the wording
// after "yaml: line <n>:" is yaml-cpp's.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::azure {

// A YAML problem, with yaml.v3's text.
class YamlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads the first document of `text`. Throws YamlError for characters YAML does not allow
// ("yaml: control characters are not allowed", "yaml: invalid UTF-8") and syntax errors.
YAML::Node load_yaml(std::string_view text);

// yaml.v3's short tag of a node: !!map, !!seq, !!null, or the resolved scalar tag.
std::string yaml_tag(const YAML::Node& node);

// The value of a plain or !!int scalar when it resolves to an integer that fits int64
// (decimal, 0x, 0o, 0b, legacy 0755 octal, '_' separators, as yaml.v3).
std::optional<std::int64_t> yaml_int(const YAML::Node& node);

// The "unmarshal errors" of one decode.
class YamlTypeErrors {
 public:
  // "line <n>: cannot unmarshal <tag>[ `<value>`] into <go_type>"
  void mismatch(const YAML::Node& node, std::string_view go_type);
  // Every scalar key of `mapping` must be unique (yaml.v3 refuses duplicates).
  void check_unique_keys(const YAML::Node& mapping);
  // Throws YamlError("yaml: unmarshal errors:\n  <line>\n  <line>...") when any was recorded.
  void throw_if_any() const;

 private:
  std::vector<std::string> lines_;
};

}  // namespace sscsi::azure
