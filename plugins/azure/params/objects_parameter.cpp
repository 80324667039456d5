#include "params/objects_parameter.h"

#include <string>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "params/file_name_rules.h"
#include "params/file_permission.h"
#include "params/go_strings.h"
#include "params/object_limits.h"
#include "params/object_validation.h"
#include "params/objects_yaml.h"
#include "params/output_paths.h"

namespace sscsi::azure {
namespace {

template <typename Check>
void wrapped(const ObjectFields& fields, Check&& check) {
  try {
    check();
  } catch (const MountError& e) {
    throw invalid_parameters(object_error_prefix(fields) + e.what());
  }
}

KeyVaultObject::Encoding encoding_of(std::string_view encoding) {
  if (go_equal_fold(encoding, "hex")) return KeyVaultObject::Encoding::Hex;
  if (go_equal_fold(encoding, "base64")) return KeyVaultObject::Encoding::Base64;
  return KeyVaultObject::Encoding::Utf8;
}

KeyVaultObject checked_object(const ObjectFields& fields, std::uint32_t default_file_mode) {
  KeyVaultObject object;
  wrapped(fields, [&] {
    object.type = parse_object_type(fields.type);
    check_clean_file_name(fields.file_name(), fields.version_history);
    object.mode = parse_file_permission(fields.file_permission, default_file_mode);
    if (fields.version_history > kMaxVersionHistory) {
      throw invalid_parameters(fmt::format(
          "objectVersionHistory {} is too large: at most {} versions can be synced per object",
          fields.version_history, kMaxVersionHistory));
    }
  });
  object.name = fields.name;
  object.alias = fields.alias;
  object.version = fields.version;
  object.version_history = fields.version_history;
  object.pfx = go_equal_fold(fields.format, "pfx");
  object.encoding = encoding_of(fields.encoding);
  return object;
}

}  // namespace

std::vector<KeyVaultObject> parse_objects_parameter(std::string_view objects,
                                                    std::uint32_t default_file_mode) {
  const std::string_view text = go_trim_space(objects);
  if (text.empty()) throw invalid_parameters("objects is not set");

  const std::vector<std::string> items = parse_objects_array(text);
  if (items.size() > kMaxObjects) {
    throw invalid_parameters(fmt::format(
        "objects lists {} entries; at most {} objects are allowed per SecretProviderClass",
        items.size(), kMaxObjects));
  }
  std::vector<ObjectFields> fields;
  fields.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    fields.push_back(parse_object_fields(items[i], i));
  }
  for (const auto& object : fields) {
    wrapped(object, [&] { validate_like_upstream(object); });
  }
  std::vector<KeyVaultObject> result;
  result.reserve(fields.size());
  for (const auto& object : fields) result.push_back(checked_object(object, default_file_mode));
  check_output_paths(result);
  return result;
}

}  // namespace sscsi::azure
