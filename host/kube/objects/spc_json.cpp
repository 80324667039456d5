#include "kube/objects/spc_json.h"

#include <fmt/format.h>

#include "kube/objects/json_fields.h"

namespace sscsi::kube {
namespace {

SecretObject parse_secret_object(const FieldReader& reader, const nlohmann::json& item,
                                 const std::string& path) {
  if (!item.is_object()) reader.wrong_type(path, "an object", item);
  SecretObject object;
  object.secret_name = reader.string(item, "secretName", path + ".secretName");
  object.type = reader.string(item, "type", path + ".type");
  object.labels = reader.string_map(item, "labels", path + ".labels");
  object.annotations = reader.string_map(item, "annotations", path + ".annotations");
  if (const nlohmann::json* data = reader.array(item, "data", path + ".data")) {
    for (std::size_t i = 0; i < data->size(); ++i) {
      const nlohmann::json& entry = (*data)[i];
      const std::string entry_path = fmt::format("{}.data[{}]", path, i);
      if (!entry.is_object()) reader.wrong_type(entry_path, "an object", entry);
      object.data.push_back({reader.string(entry, "objectName", entry_path + ".objectName"),
                             reader.string(entry, "key", entry_path + ".key")});
    }
  }
  return object;
}

SecretProviderClass parse(const nlohmann::json& object, std::string source) {
  FieldReader reader(fmt::format("SecretProviderClass from {}", source));
  if (!object.is_object()) reader.wrong_type("the object", "a JSON object", object);
  const nlohmann::json* metadata = reader.object(object, "metadata", "metadata");
  if (metadata == nullptr) reader.fail("metadata is missing");
  SecretProviderClass spc;
  spc.name = reader.required_string(*metadata, "name", "metadata.name");
  spc.namespace_name = reader.required_string(*metadata, "namespace", "metadata.namespace");
  reader.set_what(fmt::format("SecretProviderClass {}/{}", spc.namespace_name, spc.name));

  const std::string api_version = reader.string(object, "apiVersion", "apiVersion");
  if (api_version != kSpcApiVersionV1 && api_version != kSpcApiVersionV1Alpha1) {
    reader.fail(fmt::format("apiVersion '{}' is not {} or {}", api_version, kSpcApiVersionV1,
                            kSpcApiVersionV1Alpha1));
  }
  const std::string kind = reader.string(object, "kind", "kind");
  if (kind != "SecretProviderClass") {
    reader.fail(fmt::format("kind '{}' is not SecretProviderClass", kind));
  }

  if (const nlohmann::json* spec = reader.object(object, "spec", "spec")) {
    spc.provider = reader.string(*spec, "provider", "spec.provider");
    spc.parameters = reader.string_map(*spec, "parameters", "spec.parameters");
    if (const nlohmann::json* items = reader.array(*spec, "secretObjects", "spec.secretObjects")) {
      for (std::size_t i = 0; i < items->size(); ++i) {
        spc.secret_objects.push_back(
            parse_secret_object(reader, (*items)[i], fmt::format("spec.secretObjects[{}]", i)));
      }
    }
  }
  spc.source = std::move(source);
  return spc;
}

}  // namespace

SpcLookup parse_secret_provider_class(const nlohmann::json& object, std::string source) {
  try {
    return parse(object, std::move(source));
  } catch (const InvalidObject& e) {
    return SpcLookupError{SpcLookupError::Kind::Invalid, e.what()};
  }
}

}  // namespace sscsi::kube
