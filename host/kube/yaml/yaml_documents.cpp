#include "kube/yaml/yaml_documents.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>

#include <istream>
#include <optional>
#include <streambuf>
#include <string>

namespace sscsi::kube {
namespace {

// An input stream buffer over `text` in place: yaml-cpp reads from a std::istream, and a
// std::istringstream would copy the text.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    // The get area is only read from; std::streambuf merely lacks a const interface.
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

// Remembers where the last document started and ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark start = YAML::Mark::null_mark();
};

std::string stuck_message(std::string_view text, const YAML::Mark& at) {
  const auto pos = static_cast<std::size_t>(at.pos);
  const char c = pos < text.size() ? text[pos] : '\0';
  if (c > ' ' && c < 0x7f) {
    return std::string("unexpected '") + c + "' where a YAML node or document should start";
  }
  return "unexpected content where a YAML node or document should start";
}

// Walks every document with the parser alone. A document that consumes nothing starts where
// the one before it started; yaml-cpp would repeat it for ever, so the text is refused there.
void check_documents_advance(std::string_view text) {
  TextBuffer buffer(text);
  std::istream in(&buffer);
  YAML::Parser parser(in);
  DocumentStarts starts;
  std::optional<int> previous_start;
  while (parser.HandleNextDocument(starts)) {
    if (previous_start && starts.start.pos == *previous_start) {
      throw YAML::ParserException(starts.start, stuck_message(text, starts.start));
    }
    previous_start = starts.start.pos;
  }
}

}  // namespace

std::vector<YAML::Node> load_yaml_documents(std::string_view text) {
  check_documents_advance(text);
  TextBuffer buffer(text);
  std::istream in(&buffer);
  return YAML::LoadAll(in);
}

YAML::Node load_first_yaml_document(std::string_view text) {
  check_documents_advance(text);
  TextBuffer buffer(text);
  std::istream in(&buffer);
  return YAML::Load(in);
}

}  // namespace sscsi::kube
