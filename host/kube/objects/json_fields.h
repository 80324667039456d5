#pragma once
// Typed access to the fields of one Kubernetes object. Every failure throws InvalidObject with a
// message that names the object and the field path, e.g.
//   "SecretProviderClass ns/name: spec.parameters.objects must be a string, got number".
// A JSON null counts as absent, as it does for the API server's omitempty fields.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace sscsi::kube {

class InvalidObject : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FieldReader {
 public:
  // `what` names the object in messages ("Pod default/web-1").
  explicit FieldReader(std::string what) : what_(std::move(what)) {}
  void set_what(std::string what) { what_ = std::move(what); }
  const std::string& what() const { return what_; }

  [[noreturn]] void fail(const std::string& problem) const;

  // `parent` must be a JSON object; `path` is the field's full path for messages.
  const nlohmann::json* member(const nlohmann::json& parent, const char* key) const;
  const nlohmann::json* object(const nlohmann::json& parent, const char* key,
                               const std::string& path) const;
  const nlohmann::json* array(const nlohmann::json& parent, const char* key,
                              const std::string& path) const;
  std::string string(const nlohmann::json& parent, const char* key, const std::string& path) const;
  // Absent or empty -> "<path> is missing".
  std::string required_string(const nlohmann::json& parent, const char* key,
                              const std::string& path) const;
  std::optional<bool> boolean(const nlohmann::json& parent, const char* key,
                              const std::string& path) const;
  std::map<std::string, std::string> string_map(const nlohmann::json& parent, const char* key,
                                                const std::string& path) const;

  // "must be <expected>, got <actual JSON type>".
  [[noreturn]] void wrong_type(const std::string& path, const char* expected,
                               const nlohmann::json& actual) const;

 private:
  std::string what_;
};

}  // namespace sscsi::kube
