#include "kube/spc_file_source.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <system_error>

#include "kube/yaml/yaml_documents.h"
#include "mount/file_trust.h"

namespace sscsi::kube {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 1 << 20;
constexpr const char* kApiGroup = "secrets-store.csi.x-k8s.io/";

[[noreturn]] void fail(const std::string& where, const std::string& problem) {
  throw std::runtime_error(fmt::format("{}: {}", where, problem));
}

std::string scalar(const YAML::Node& node, const std::string& where, const std::string& field) {
  if (!node || node.IsNull()) return {};
  if (!node.IsScalar()) fail(where, fmt::format("{} must be a string", field));
  return node.Scalar();
}

std::map<std::string, std::string> string_map(const YAML::Node& node, const std::string& where,
                                              const std::string& field) {
  std::map<std::string, std::string> out;
  if (!node || node.IsNull()) return out;
  if (!node.IsMap()) fail(where, fmt::format("{} must be a map of strings", field));
  for (const auto& entry : node) {
    const std::string key = scalar(entry.first, where, field + " key");
    out[key] = scalar(entry.second, where, fmt::format("{}.{}", field, key));
  }
  return out;
}

SecretObject parse_secret_object(const YAML::Node& node, const std::string& where) {
  if (!node.IsMap()) fail(where, "must be a map");
  SecretObject object;
  object.secret_name = scalar(node["secretName"], where, "secretName");
  object.type = scalar(node["type"], where, "type");
  object.labels = string_map(node["labels"], where, "labels");
  object.annotations = string_map(node["annotations"], where, "annotations");
  const YAML::Node data = node["data"];
  if (data && !data.IsNull()) {
    if (!data.IsSequence()) fail(where, "data must be a list");
    for (std::size_t i = 0; i < data.size(); ++i) {
      const std::string item = fmt::format("{}.data[{}]", where, i);
      if (!data[i].IsMap()) fail(item, "must be a map with objectName and key");
      object.data.push_back(
          {scalar(data[i]["objectName"], item, "objectName"), scalar(data[i]["key"], item, "key")});
    }
  }
  return object;
}

SecretProviderClass parse_document(const YAML::Node& doc, const std::string& where,
                                   const std::string& source) {
  SecretProviderClass spc;
  const std::string api_version = scalar(doc["apiVersion"], where, "apiVersion");
  if (api_version != std::string(kApiGroup) + "v1" &&
      api_version != std::string(kApiGroup) + "v1alpha1") {
    fail(where, fmt::format("apiVersion '{}' is not {}v1 or {}v1alpha1", api_version, kApiGroup,
                            kApiGroup));
  }
  const YAML::Node metadata = doc["metadata"];
  if (!metadata || !metadata.IsMap()) fail(where, "metadata must be a map with a name");
  spc.name = scalar(metadata["name"], where, "metadata.name");
  if (spc.name.empty()) fail(where, "metadata.name is missing");
  spc.namespace_name = scalar(metadata["namespace"], where, "metadata.namespace");
  if (spc.namespace_name.empty()) spc.namespace_name = "default";
  const YAML::Node spec = doc["spec"];
  if (!spec || !spec.IsMap()) fail(where, "spec must be a map");
  spc.provider = scalar(spec["provider"], where, "spec.provider");
  spc.parameters = string_map(spec["parameters"], where, "spec.parameters");
  const YAML::Node objects = spec["secretObjects"];
  if (objects && !objects.IsNull()) {
    if (!objects.IsSequence()) fail(where, "spec.secretObjects must be a list");
    for (std::size_t i = 0; i < objects.size(); ++i) {
      spc.secret_objects.push_back(
          parse_secret_object(objects[i], fmt::format("{} spec.secretObjects[{}]", where, i)));
    }
  }
  spc.source = source;
  return spc;
}

// A class file decides which secrets a pod gets and where the provider sends its credentials,
// so it is held to the same owner and mode rules as the plugins.
std::string read_file(const std::filesystem::path& path) {
  try {
    return mount::read_trusted_file(path, kMaxFileBytes);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{} {}", path.string(), e.what()));
  }
}

bool is_yaml_name(const std::filesystem::path& path) {
  const auto ext = path.extension();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

std::vector<SecretProviderClass> parse_spc_yaml(const std::string& text,
                                                const std::string& source) {
  std::vector<YAML::Node> docs;
  try {
    docs = load_yaml_documents(text);  // not YAML::LoadAll, which can loop for ever
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(fmt::format("{}: not valid YAML: {}", source, e.what()));
  }
  std::vector<SecretProviderClass> classes;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const YAML::Node& doc = docs[i];
    if (!doc || doc.IsNull()) continue;
    const std::string where = fmt::format("{} (document {})", source, i + 1);
    if (!doc.IsMap()) fail(where, "is not a YAML map");
    if (scalar(doc["kind"], where, "kind") != "SecretProviderClass") continue;
    try {
      classes.push_back(parse_document(doc, where, source));
    } catch (const YAML::Exception& e) {
      fail(where, e.what());
    }
  }
  return classes;
}

SpcFileSource::SpcFileSource(std::filesystem::path directory) : directory_(std::move(directory)) {}

void SpcFileSource::refresh_locked() {
  // Whoever may write the directory, or one above it, may add classes to it.
  struct stat status {};
  if (::stat(directory_.c_str(), &status) == 0) {
    auto problem = mount::ownership_problem(status);
    if (!problem) problem = mount::ancestor_problem(directory_);
    if (problem) {
      throw std::runtime_error(fmt::format("--spc-dir {} {}", directory_.string(), *problem));
    }
  }
  std::map<std::filesystem::path, ParsedFile> next;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(directory_, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::filesystem::path& path = it->path();
    if (!is_yaml_name(path) || !it->is_regular_file(ec)) continue;  // follows symlinks
    const auto mtime = std::filesystem::last_write_time(path, ec);
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) continue;  // vanished between listing and stat
    if (auto old = files_.find(path);
        old != files_.end() && old->second.mtime == mtime && old->second.size == size) {
      next.emplace(path, std::move(old->second));
      continue;
    }
    ParsedFile parsed{mtime, size, {}, {}};
    try {
      parsed.classes = parse_spc_yaml(read_file(path), path.string());
    } catch (const std::exception& e) {
      parsed.error = e.what();
    }
    next.emplace(path, std::move(parsed));
  }
  if (ec) {
    throw std::runtime_error(
        fmt::format("--spc-dir {} cannot be listed: {}", directory_.string(), ec.message()));
  }
  files_ = std::move(next);
}

SpcLookup SpcFileSource::get(const std::string& namespace_name, const std::string& name) {
  std::lock_guard lock(mutex_);
  try {
    refresh_locked();
  } catch (const std::exception& e) {
    return SpcLookupError{SpcLookupError::Kind::Unavailable, e.what()};
  }
  const SecretProviderClass* found = nullptr;
  std::string broken;
  for (const auto& [path, file] : files_) {
    if (!file.error.empty()) {
      broken += fmt::format("; {}", file.error);
      continue;
    }
    for (const SecretProviderClass& spc : file.classes) {
      if (spc.namespace_name != namespace_name || spc.name != name) continue;
      if (found != nullptr) {
        return SpcLookupError{
            SpcLookupError::Kind::Invalid,
            fmt::format("SecretProviderClass {}/{} is defined twice, in {} and {}", namespace_name,
                        name, found->source, spc.source)};
      }
      found = &spc;
    }
  }
  if (found != nullptr) return *found;
  return SpcLookupError{
      SpcLookupError::Kind::NotFound,
      fmt::format("SecretProviderClass {}/{} not found in {}{}", namespace_name, name,
                  directory_.string(),
                  broken.empty() ? "" : " (files that could not be read" + broken + ")")};
}

}  // namespace sscsi::kube
