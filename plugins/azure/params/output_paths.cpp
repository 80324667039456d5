#include "params/output_paths.h"

#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

// `element` as a version index that history_file_name produces ("0", "1", ... no leading
// zeros), or nullopt.
std::optional<std::int64_t> version_index(std::string_view element) {
  if (element.empty() || element.size() > 10) return std::nullopt;
  if (element.size() > 1 && element[0] == '0') return std::nullopt;
  std::int64_t value = 0;
  for (const char c : element) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool is_inside(std::string_view path, std::string_view directory) {
  return path.size() > directory.size() && path.substr(0, directory.size()) == directory &&
         path[directory.size()] == '/';
}

// One file `object` writes that can meet `other_path`: for a version-history object, the file
// of the index that other_path would run into, else its first file.
std::string relevant_file(const KeyVaultObject& object, std::string_view other_path) {
  const std::string& base = object.file_name();
  if (!syncs_version_history(object)) return base;
  if (is_inside(other_path, base)) {
    std::string_view rest = other_path.substr(base.size() + 1);
    rest = rest.substr(0, rest.find('/'));
    const auto index = version_index(rest);
    if (index && *index < object.version_history) {
      return history_file_name(object, static_cast<std::int32_t>(*index));
    }
  }
  return history_file_name(object, 0);
}

std::string label(const KeyVaultObject& object, std::size_t index) {
  return fmt::format("index {} (objectType:{}, objectName:{})", index,
                     object_type_name(object.type), object.name);
}

constexpr std::string_view kAdvice = "; give one of them a different objectAlias";

void check_pair(const std::vector<KeyVaultObject>& objects, std::size_t i, std::size_t j) {
  const std::string a = relevant_file(objects[i], objects[j].file_name());
  const std::string b = relevant_file(objects[j], objects[i].file_name());
  if (a == b) {
    throw invalid_parameters(fmt::format("objects at {} and {} both write the file {}{}",
                                         label(objects[i], i), label(objects[j], j), go_quote(a),
                                         kAdvice));
  }
  const auto file_vs_directory = [&](std::size_t file_owner, const std::string& file,
                                     std::size_t dir_user, const std::string& inner) {
    throw invalid_parameters(fmt::format(
        "object at {} writes the file {}, which object at {} needs as a directory for {}{}",
        label(objects[file_owner], file_owner), go_quote(file), label(objects[dir_user], dir_user),
        go_quote(inner), kAdvice));
  };
  if (is_inside(b, a)) file_vs_directory(i, a, j, b);
  if (is_inside(a, b)) file_vs_directory(j, b, i, a);
}

}  // namespace

bool syncs_version_history(const KeyVaultObject& object) { return object.version_history > 1; }

std::string history_file_name(const KeyVaultObject& object, std::int32_t index) {
  return object.file_name() + "/" + std::to_string(index);
}

std::string history_uid(const KeyVaultObject& object, std::int32_t index) {
  return object.uid() + "/" + std::to_string(index);
}

void check_output_paths(const std::vector<KeyVaultObject>& objects) {
  // Pairwise: at most kMaxObjects objects, so at most ~500k cheap comparisons.
  for (std::size_t i = 0; i < objects.size(); ++i) {
    for (std::size_t j = i + 1; j < objects.size(); ++j) check_pair(objects, i, j);
  }
}

}  // namespace sscsi::azure
