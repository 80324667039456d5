#include "object_spec.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>

#include "file_mode.h"
#include "mount_error.h"
#include "output_path.h"
#include "quote.h"

namespace sscsi::mock {
namespace {

constexpr std::array<std::string_view, 6> kKnownKeys{
    "objectName", "objectAlias", "objectVersion", "filePermission", "content", "contentFile"};

std::string known_keys() {
  std::string out;
  for (const std::string_view key : kKnownKeys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

std::string position(const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) +
         ": ";
}

// Parses YAML text, turning parser errors into a parameter error under `what`. The parser's
// message names the syntax problem and its position, never the text itself.
YAML::Node load_yaml(std::string_view text, const std::string& what) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp stops at a fixed depth instead of exhausting the stack, but calls it "bad file".
    throw invalid_parameters(what + ": not valid YAML: " + position(e.mark) + "nested too deeply");
  } catch (const YAML::Exception& e) {
    throw invalid_parameters(what + ": not valid YAML: " + position(e.mark) + e.msg);
  }
}

// Upstream trims every field; so do we, except `content`, whose bytes are the file.
std::string trimmed(const std::string& text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string::npos) return "";
  const std::size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// The fields of one object as written: key -> value node, keys unique and known.
class ObjectFields {
 public:
  ObjectFields(const YAML::Node& mapping, std::size_t index) : index_(index) {
    for (const auto& entry : mapping) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
      entries_.emplace_back(key, entry.second);
      if (key == "objectName" && name_.empty() && entry.second.IsScalar()) {
        name_ = trimmed(entry.second.Scalar());
      }
    }
  }

  std::string label() const {
    std::string out = "objects[" + std::to_string(index_) + "]";
    if (!name_.empty()) out += " (objectName " + quote(name_) + ")";
    return out;
  }

  void check_keys() const {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const std::string& key = entries_[i].first;
      if (key.empty()) throw invalid_parameters(label() + ": has a key that is not a plain name");
      if (std::find(kKnownKeys.begin(), kKnownKeys.end(), key) == kKnownKeys.end()) {
        throw invalid_parameters(label() + ": unknown key " + quote(key) +
                                 " (known keys: " + known_keys() + ")");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (entries_[j].first == key) {
          throw invalid_parameters(label() + ": " + key + " is given twice");
        }
      }
    }
  }

  // The field's text, or nullopt when absent. A present field must be a scalar with a value.
  std::optional<std::string> text(std::string_view key) const {
    for (const auto& [name, value] : entries_) {
      if (name != key) continue;
      if (value.IsNull()) {
        throw invalid_parameters(label() + ": " + name +
                                 " has no value (write \"\" for an empty string)");
      }
      if (!value.IsScalar()) {
        throw invalid_parameters(label() + ": " + name + " must be a string, not a " +
                                 (value.IsSequence() ? "list" : "mapping"));
      }
      return value.Scalar();
    }
    return std::nullopt;
  }

 private:
  std::size_t index_;
  std::string name_;
  std::vector<std::pair<std::string, YAML::Node>> entries_;
};

ObjectSpec parse_object(const YAML::Node& item, std::size_t index) {
  const std::string where = "objects[" + std::to_string(index) + "]";
  if (!item.IsScalar()) {
    throw invalid_parameters(where +
                             ": must be a string holding a YAML mapping (write each list item "
                             "as a block: \"- |\")");
  }
  const YAML::Node mapping = load_yaml(item.Scalar(), where);
  if (!mapping.IsMap()) {
    throw invalid_parameters(where + ": must be a YAML mapping of object fields (" + known_keys() +
                             ")");
  }
  const ObjectFields fields(mapping, index);
  fields.check_keys();

  ObjectSpec spec;
  spec.index = index;
  spec.name = trimmed(fields.text("objectName").value_or(""));
  if (spec.name.empty()) {
    throw invalid_parameters(fields.label() + ": objectName is missing or empty");
  }

  const std::optional<std::string> alias = fields.text("objectAlias");
  spec.output_path = alias ? trimmed(*alias) : spec.name;
  if (const auto problem = output_path_problem(spec.output_path)) {
    throw invalid_parameters(fields.label() + ": output path " + quote(spec.output_path) +
                             " (from " + (alias ? "objectAlias" : "objectName") + ") " + *problem);
  }

  spec.version = trimmed(fields.text("objectVersion").value_or(""));

  if (const auto permission = fields.text("filePermission")) {
    const std::string value = trimmed(*permission);
    const auto parsed = parse_file_mode(value);
    if (const auto* mode = std::get_if<std::uint32_t>(&parsed)) {
      spec.mode = *mode;
    } else if (std::get<FileModeProblem>(parsed) == FileModeProblem::kTooLarge) {
      throw invalid_parameters(fields.label() + ": filePermission " + quote(value) +
                               " is above 0777 (only permission bits are allowed)");
    } else {
      throw invalid_parameters(fields.label() + ": filePermission " + quote(value) +
                               " is not an octal mode");
    }
  }

  spec.content = fields.text("content");
  if (const auto file = fields.text("contentFile")) spec.content_file = trimmed(*file);
  if (spec.content && spec.content_file) {
    throw invalid_parameters(fields.label() +
                             ": has both content and contentFile; give exactly one");
  }
  if (!spec.content && !spec.content_file) {
    throw invalid_parameters(fields.label() +
                             ": has neither content nor contentFile; give exactly one");
  }
  if (spec.content_file) {
    if (spec.content_file->empty()) {
      throw invalid_parameters(fields.label() + ": contentFile is empty");
    }
    if (spec.content_file->front() != '/' || spec.content_file->find('\0') != std::string::npos) {
      throw invalid_parameters(fields.label() + ": contentFile " + quote(*spec.content_file) +
                               " is not an absolute path");
    }
  }
  return spec;
}

// Two objects may not write the same file, nor a file where another needs a directory. Linear in
// the number of path elements, so a huge object list cannot make this quadratic.
void check_output_paths(const std::vector<ObjectSpec>& specs) {
  std::unordered_map<std::string_view, const ObjectSpec*> files;        // path -> its object
  std::unordered_map<std::string_view, const ObjectSpec*> directories;  // dir -> first user
  const auto conflict = [](const ObjectSpec& later, const ObjectSpec& earlier) {
    return invalid_parameters(later.label() + ": output path " + quote(later.output_path) +
                              " conflicts with " + quote(earlier.output_path) + " of " +
                              earlier.label() + " (one would be a file and a directory)");
  };
  for (const ObjectSpec& spec : specs) {
    const std::string_view path = spec.output_path;
    if (const auto same = files.find(path); same != files.end()) {
      throw invalid_parameters(spec.label() + ": output path " + quote(path) +
                               " is already used by " + same->second->label());
    }
    if (const auto user = directories.find(path); user != directories.end()) {
      throw conflict(spec, *user->second);
    }
    for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      if (const auto file = files.find(path.substr(0, slash)); file != files.end()) {
        throw conflict(spec, *file->second);
      }
    }
    files.emplace(path, &spec);
    for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      directories.emplace(path.substr(0, slash), &spec);
    }
  }
}

}  // namespace

std::string ObjectSpec::label() const {
  return "objects[" + std::to_string(index) + "] (objectName " + quote(name) + ")";
}

std::vector<ObjectSpec> parse_objects(std::string_view objects_yaml) {
  const YAML::Node root = load_yaml(objects_yaml, "objects");
  const std::string shape =
      "must be a YAML mapping with one key, array, whose value is a list of objects";
  if (!root.IsMap()) throw invalid_parameters("objects: " + shape);
  for (const auto& entry : root) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    if (key != "array") {
      throw invalid_parameters("objects: unknown key " + quote(key) + "; the parameter " + shape);
    }
  }
  const YAML::Node array = root["array"];
  if (!array || array.IsNull() || (array.IsSequence() && array.size() == 0)) {
    throw invalid_parameters("objects: array lists no objects; a mount needs at least one");
  }
  if (!array.IsSequence()) throw invalid_parameters("objects: " + shape);

  std::vector<ObjectSpec> specs;
  specs.reserve(array.size());
  for (const YAML::Node& item : array) specs.push_back(parse_object(item, specs.size()));
  check_output_paths(specs);
  return specs;
}

}  // namespace sscsi::mock
