#pragma once
// SecretProviderClass YAML files for the host's --spc-dir, and the mock provider's `objects`
// parameter, built with a YAML emitter so that any content (quotes, newlines, colons) survives
// the round trip exactly.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sscsi::testing_support {

// One object of the mock's `objects` parameter: its fields in the order written, e.g.
// {{"objectName", "db"}, {"content", "s3cret"}}.
using MockObject = std::vector<std::pair<std::string, std::string>>;

// The mock's YAML-in-YAML `objects` value: `array:` holding one YAML mapping text per object.
std::string mock_objects_yaml(const std::vector<MockObject>& objects);

struct SpcSpec {
  std::string name{};
  std::string namespace_name = "default";
  std::optional<std::string> provider = "mock";     // nullopt: spec.provider left out
  std::map<std::string, std::string> parameters{};  // empty: spec.parameters left out
};

// One SecretProviderClass document (apiVersion secrets-store.csi.x-k8s.io/v1).
std::string spc_yaml(const SpcSpec& spec);

// Writes `text` to `file` through a temporary file renamed over it, so that a reader (the host
// re-reading --spc-dir) sees the old or the new text and never a partial one.
void write_file_atomically(const std::filesystem::path& file, const std::string& text);

}  // namespace sscsi::testing_support
