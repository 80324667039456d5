#pragma once
// The `objects` SecretProviderClass parameter, in the Azure provider's YAML-in-YAML shape:
//
//   objects: |
//     array:
//       - |
//         objectName: db-password
//         objectAlias: db/password     # output path; default objectName
//         objectVersion: "7"           # reported version; default a hash of the content
//         filePermission: "0640"       # octal; default the request's default_file_mode
//         content: s3cret              # or contentFile: /etc/sscsi/mock-content/db
//
// Unlike upstream, unknown keys are errors (a typo such as objectAlais must not silently change
// where a secret lands) and so are two objects with one output path.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::mock {

struct ObjectSpec {
  std::size_t index = 0;                    // position in the array, for messages
  std::string name;                         // objectName
  std::string output_path;                  // objectAlias, else objectName; a valid volume path
  std::string version;                      // objectVersion; empty = report a hash of the content
  std::optional<std::uint32_t> mode;        // filePermission; empty = the request's default
  std::optional<std::string> content;       // exactly one of content and content_file is set
  std::optional<std::string> content_file;  // absolute path, read at every mount

  // `objects[<index>] (objectName "<name>")`, the prefix of every message about this object.
  std::string label() const;
};

// Parses and validates the parameter. Throws MountError(SSCSI_INVALID_PARAMETERS) naming the
// object (by index and objectName), the field and the problem. An empty list is an error: a
// successful answer must report at least one object.
std::vector<ObjectSpec> parse_objects(std::string_view objects_yaml);

}  // namespace sscsi::mock
