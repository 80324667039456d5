// The metric registry and its Prometheus text exposition (host/metrics): plugins define metrics
// and record label values through the ABI, so names, help texts and label values are input the
// host does not control.
//
// Input: NUL-separated calls:
//   D<c|h><name> TAB <label,label,...> TAB <bucket,bucket,...> TAB <help>   define
//   R<metric index> TAB <value> TAB <label value> TAB <label value> ...     record
// Expected: std::invalid_argument from define and record. Invariants: every line of the
// exposition is a HELP, TYPE or sample line of the text format 0.0.4; label values unescape to
// values that were recorded and are valid UTF-8, which Prometheus requires (promtool and the
// server refuse the whole scrape otherwise).

#include <cstdint>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"

namespace {

using namespace sscsi;

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.emplace_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// Go's utf8.ValidString: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      length = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = cp << 6 | (c & 0x3F);
    }
    const std::uint32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

[[noreturn]] void bad_line(std::string_view why, std::string_view line) {
  fuzz::fuzz_fail(std::string("fuzz_metrics_exposition: ") + std::string(why), line);
}

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

// name{l="v",...} value — label values unescaped into `values`.
void check_sample(std::string_view line, const std::set<std::string>& recorded) {
  std::size_t i = 0;
  while (i < line.size() && name_char(line[i], i == 0)) ++i;
  if (i == 0) bad_line("a sample line does not start with a metric name", line);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      const std::size_t name_start = i;
      while (i < line.size() && name_char(line[i], i == name_start) && line[i] != ':') ++i;
      const std::string_view label = line.substr(name_start, i - name_start);
      if (label.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
        bad_line("a label is not name=\"value\"", line);
      }
      i += 2;
      std::string value;
      while (true) {
        if (i >= line.size()) bad_line("a label value is not closed", line);
        const char c = line[i++];
        if (c == '"') break;
        if (c != '\\') {
          value.push_back(c);
          continue;
        }
        if (i >= line.size()) bad_line("a label value ends in a lone backslash", line);
        const char escaped = line[i++];
        if (escaped == '\\' || escaped == '"') {
          value.push_back(escaped);
        } else if (escaped == 'n') {
          value.push_back('\n');
        } else {
          bad_line("a label value has an escape the format does not define", line);
        }
      }
      if (!valid_utf8(value)) bad_line("a label value is not valid UTF-8", line);
      if (label != "le" && !recorded.contains(value)) {
        bad_line("a label value is not one that was recorded", line);
      }
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      bad_line("labels are not closed by '}'", line);
    }
  }
  if (i >= line.size() || line[i] != ' ') bad_line("no space before the sample value", line);
  const std::string value(line.substr(i + 1));
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size()) {
    bad_line("the sample value is not a number", line);
  }
}

void check_exposition(const std::string& text, const std::set<std::string>& recorded) {
  if (!text.empty() && text.back() != '\n')
    bad_line("the exposition does not end in a newline", text);
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    if (line.empty() || line[0] == '#') bad_line("an empty or unknown comment line", line);
    check_sample(line, recorded);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  metrics::Registry registry;
  std::vector<metrics::MetricId> ids;
  std::set<std::string> recorded;
  for (const std::string& call : split(fuzz::as_text(data, size), '\0')) {
    if (call.size() < 2) continue;
    try {
      if (call[0] == 'D') {
        const auto fields = split(std::string_view(call).substr(2), '\t');
        metrics::Definition definition;
        definition.kind = call[1] == 'h' ? metrics::Kind::Histogram : metrics::Kind::Counter;
        definition.name = fields[0];
        if (fields.size() > 1 && !fields[1].empty()) definition.labels = split(fields[1], ',');
        if (fields.size() > 2 && !fields[2].empty()) {
          for (const std::string& bucket : split(fields[2], ',')) {
            definition.buckets.push_back(std::strtod(bucket.c_str(), nullptr));
          }
        }
        if (fields.size() > 3) definition.help = fields[3];
        ids.push_back(registry.define(definition));
      } else if (call[0] == 'R') {
        const auto fields = split(std::string_view(call).substr(1), '\t');
        if (ids.empty() || fields.size() < 2) continue;
        const metrics::MetricId id = ids[std::strtoul(fields[0].c_str(), nullptr, 10) % ids.size()];
        std::vector<std::string_view> values(fields.begin() + 2, fields.end());
        registry.record(id, values, std::strtod(fields[1].c_str(), nullptr));
        // The registry stores label values as valid UTF-8 (U+FFFD for invalid sequences).
        for (auto field = fields.begin() + 2; field != fields.end(); ++field) {
          recorded.insert(metrics::valid_utf8(*field));
        }
      }
    } catch (const std::invalid_argument&) {
    }
  }
  check_exposition(registry.expose(), recorded);
  return 0;
}
