#pragma once
// Loading YAML text with yaml-cpp 0.7 without its endless loop. At a token that cannot start a
// node where a document's node should start (a ',' outside [ ] or { }, as in "---\n,\n"),
// yaml-cpp's parser makes an empty document without consuming anything: YAML::Load returns that
// empty document and ignores the rest of the text, and YAML::LoadAll makes such documents for
// ever, growing memory without bound. These functions first walk the documents with the parser
// alone and refuse such a text, naming the position, before any node is built.

#include <yaml-cpp/yaml.h>

#include <string_view>
#include <vector>

namespace sscsi::kube {

// Every document of `text`, as YAML::LoadAll. Throws YAML::Exception for text that is not valid
// YAML, and YAML::ParserException at the first token no document can start with.
std::vector<YAML::Node> load_yaml_documents(std::string_view text);

// The first document of `text`, as YAML::Load (a null node for empty text); the rest of the text
// is checked as above. Reads `text` in place, without copying it (it may hold credentials).
YAML::Node load_first_yaml_document(std::string_view text);

}  // namespace sscsi::kube
