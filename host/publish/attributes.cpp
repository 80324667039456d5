#include "publish/attributes.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/text_format.h"

namespace sscsi::publish {
namespace {

// Written by hand rather than through a JSON library: the text holds tokens and client
// secrets, and this way it is built in one buffer of its final size. A growing string, or a
// parsed tree, would leave copies of the values in memory that is freed without being wiped.
using Entries = std::vector<std::pair<std::string_view, std::string_view>>;

constexpr char kHex[] = "0123456789abcdef";

// Bytes `text` takes inside a JSON string (control characters, quote and backslash escaped).
std::size_t escaped_size(std::string_view text) {
  std::size_t size = 0;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      size += 2;
    } else if (c < 0x20) {
      size += 6;  // \u00XX
    } else {
      size += 1;
    }
  }
  return size;
}

void append_escaped(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Names the key (made printable), never the value.
void check_utf8(std::string_view key, std::string_view value, const char* what) {
  if (metrics::is_valid_utf8(key) && metrics::is_valid_utf8(value)) return;
  std::string quoted;
  append_escaped(quoted, metrics::valid_utf8(key));
  throw std::invalid_argument(fmt::format("{} entry {} is not valid UTF-8", what, quoted));
}

// `entries` are sorted by key and unique.
std::string object_json(const Entries& entries, const char* what) {
  std::size_t size = 2;  // {}
  for (const auto& [key, value] : entries) {
    check_utf8(key, value, what);
    size += escaped_size(key) + escaped_size(value) + 6;  // two pairs of quotes, ':' and ','
  }
  std::string out;
  out.reserve(size);
  out += '{';
  for (const auto& [key, value] : entries) {
    if (out.size() > 1) out += ',';
    append_escaped(out, key);
    out += ':';
    append_escaped(out, value);
  }
  out += '}';
  return out;
}

}  // namespace

std::string attributes_json(const std::map<std::string, std::string>& parameters,
                            const std::map<std::string, std::string>& volume_context,
                            const std::map<std::string, std::string>& secrets) {
  std::map<std::string_view, std::string_view> merged;
  for (const auto& [key, value] : parameters) merged[key] = value;
  for (const auto& [key, value] : volume_context) merged[key] = value;
  if (auto tokens = secrets.find(kTokensKey); tokens != secrets.end()) {
    merged[kTokensKey] = tokens->second;
  }
  return object_json(Entries(merged.begin(), merged.end()), "attribute");
}

std::string secrets_json(const std::map<std::string, std::string>& secrets) {
  return object_json(Entries(secrets.begin(), secrets.end()), "secret");
}

}  // namespace sscsi::publish
