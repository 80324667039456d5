#include "plugins/plugin_text.h"

#include <fmt/format.h>

#include "metrics/text_format.h"
#include "plugins/redaction.h"

namespace sscsi::plugins {
namespace {

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out.push_back(c);
    }
  }
  // Plugin text goes into gRPC statuses, events and JSON logs, which carry UTF-8 only: bytes
  // that are not valid UTF-8 become U+FFFD.
  return metrics::valid_utf8(out);
}

std::string shorten(std::string text, std::size_t max_bytes, std::string_view marker) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += marker;
  return text;
}

}  // namespace

std::string clean_plugin_text(std::string_view text) {
  return shorten(escape_controls(redact_secrets(text)), kMaxPluginTextBytes, "…[truncated]");
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  return shorten(escape_controls(text), max_bytes, "…");
}

}  // namespace sscsi::plugins
