#include "kube/objects/json_fields.h"

#include <fmt/format.h>

namespace sscsi::kube {

void FieldReader::fail(const std::string& problem) const {
  throw InvalidObject(fmt::format("{}: {}", what_, problem));
}

void FieldReader::wrong_type(const std::string& path, const char* expected,
                             const nlohmann::json& actual) const {
  fail(fmt::format("{} must be {}, got {}", path, expected, actual.type_name()));
}

const nlohmann::json* FieldReader::member(const nlohmann::json& parent, const char* key) const {
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) return nullptr;
  return &*it;
}

const nlohmann::json* FieldReader::object(const nlohmann::json& parent, const char* key,
                                          const std::string& path) const {
  const nlohmann::json* value = member(parent, key);
  if (value != nullptr && !value->is_object()) wrong_type(path, "an object", *value);
  return value;
}

const nlohmann::json* FieldReader::array(const nlohmann::json& parent, const char* key,
                                         const std::string& path) const {
  const nlohmann::json* value = member(parent, key);
  if (value != nullptr && !value->is_array()) wrong_type(path, "a list", *value);
  return value;
}

std::string FieldReader::string(const nlohmann::json& parent, const char* key,
                                const std::string& path) const {
  const nlohmann::json* value = member(parent, key);
  if (value == nullptr) return {};
  if (!value->is_string()) wrong_type(path, "a string", *value);
  return value->get<std::string>();
}

std::string FieldReader::required_string(const nlohmann::json& parent, const char* key,
                                         const std::string& path) const {
  std::string value = string(parent, key, path);
  if (value.empty()) fail(fmt::format("{} is missing", path));
  return value;
}

std::optional<bool> FieldReader::boolean(const nlohmann::json& parent, const char* key,
                                         const std::string& path) const {
  const nlohmann::json* value = member(parent, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) wrong_type(path, "a boolean", *value);
  return value->get<bool>();
}

std::map<std::string, std::string> FieldReader::string_map(const nlohmann::json& parent,
                                                           const char* key,
                                                           const std::string& path) const {
  std::map<std::string, std::string> out;
  const nlohmann::json* value = object(parent, key, path);
  if (value == nullptr) return out;
  for (const auto& [name, entry] : value->items()) {
    const std::string entry_path = fmt::format("{}.{}", path, name);
    if (!entry.is_string()) wrong_type(entry_path, "a string", entry);
    out.emplace(name, entry.get<std::string>());
  }
  return out;
}

}  // namespace sscsi::kube
