#include "params/objects_yaml.h"

#include <yaml-cpp/yaml.h>

#include <limits>

#include "common/mount_error.h"
#include "params/go_strings.h"
#include "params/yaml_go.h"

namespace sscsi::azure {
namespace {

// A string field: any scalar gives its text, null gives "", a collection is a type error.
void decode_string(const YAML::Node& node, std::string& out, YamlTypeErrors& errors) {
  if (node.IsScalar()) {
    out = node.Scalar();
  } else if (node.IsMap() || node.IsSequence()) {
    errors.mismatch(node, "string");
  }
}

void decode_int32(const YAML::Node& node, std::int32_t& out, YamlTypeErrors& errors) {
  if (node.IsNull()) return;
  const auto value = yaml_int(node);
  if (!value || *value < std::numeric_limits<std::int32_t>::min() ||
      *value > std::numeric_limits<std::int32_t>::max()) {
    errors.mismatch(node, "int32");
    return;
  }
  out = static_cast<std::int32_t>(*value);
}

std::vector<std::string> decode_array(const YAML::Node& root) {
  std::vector<std::string> items;
  YamlTypeErrors errors;
  if (root.IsMap()) {
    errors.check_unique_keys(root);
    for (const auto& entry : root) {
      if (!entry.first.IsScalar() || entry.first.Scalar() != "array") continue;
      const YAML::Node& list = entry.second;
      if (list.IsSequence()) {
        for (const auto& item : list) {
          std::string text;
          decode_string(item, text, errors);
          items.push_back(std::move(text));
        }
      } else if (!list.IsNull()) {
        errors.mismatch(list, "[]string");
      }
    }
  } else if (!root.IsNull()) {
    errors.mismatch(root, "types.StringArray");
  }
  errors.throw_if_any();
  return items;
}

ObjectFields decode_object(const YAML::Node& root) {
  ObjectFields fields;
  YamlTypeErrors errors;
  if (root.IsMap()) {
    errors.check_unique_keys(root);
    for (const auto& entry : root) {
      if (!entry.first.IsScalar()) continue;
      const std::string& key = entry.first.Scalar();
      const YAML::Node& value = entry.second;
      if (key == "objectName") {
        decode_string(value, fields.name, errors);
      } else if (key == "objectAlias") {
        decode_string(value, fields.alias, errors);
      } else if (key == "objectVersion") {
        decode_string(value, fields.version, errors);
      } else if (key == "objectType") {
        decode_string(value, fields.type, errors);
      } else if (key == "objectFormat") {
        decode_string(value, fields.format, errors);
      } else if (key == "objectEncoding") {
        decode_string(value, fields.encoding, errors);
      } else if (key == "filePermission") {
        decode_string(value, fields.file_permission, errors);
      } else if (key == "objectVersionHistory") {
        decode_int32(value, fields.version_history, errors);
      }
    }
  } else if (!root.IsNull()) {
    errors.mismatch(root, "types.KeyVaultObject");
  }
  errors.throw_if_any();
  return fields;
}

void trim(std::string& field) { field = std::string(go_trim_space(field)); }

}  // namespace

std::vector<std::string> parse_objects_array(std::string_view objects) {
  try {
    return decode_array(load_yaml(objects));
  } catch (const YamlError& e) {
    throw invalid_parameters(std::string("failed to yaml unmarshal objects, error: ") + e.what());
  }
}

ObjectFields parse_object_fields(std::string_view text, std::size_t index) {
  ObjectFields fields;
  try {
    fields = decode_object(load_yaml(text));
  } catch (const YamlError& e) {
    throw invalid_parameters("unmarshal failed for keyVaultObjects at index " +
                             std::to_string(index) + ", error: " + e.what());
  }
  for (std::string* field : {&fields.name, &fields.alias, &fields.version, &fields.type,
                             &fields.format, &fields.encoding, &fields.file_permission}) {
    trim(*field);
  }
  return fields;
}

}  // namespace sscsi::azure
