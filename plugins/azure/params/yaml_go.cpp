#include "params/yaml_go.h"

#include <yaml-cpp/depthguard.h>

#include <initializer_list>
#include <map>

#include <fmt/format.h>

#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

// The characters yaml.v3's reader accepts (YAML's c-printable).
bool yaml_printable(char32_t r) {
  return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7E) || r == 0x85 ||
         (r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000;
}

void check_characters(std::string_view text) {
  while (!text.empty()) {
    const auto rune = decode_utf8(text);
    if (!rune) throw YamlError("yaml: invalid UTF-8");
    if (!yaml_printable(rune->value)) throw YamlError("yaml: control characters are not allowed");
    text.remove_prefix(rune->size);
  }
}

bool is_one_of(std::string_view text, std::initializer_list<std::string_view> words) {
  for (const auto word : words) {
    if (text == word) return true;
  }
  return false;
}

bool digits_in_base(std::string_view digits, int base) {
  if (digits.empty()) return false;
  for (const char c : digits) {
    int value = 0;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      value = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      value = c - 'A' + 10;
    } else {
      return false;
    }
    if (value >= base) return false;
  }
  return true;
}

struct IntSyntax {
  bool negative = false;
  int base = 10;
  std::string digits;
};

// yaml.v3: underscores removed, then Go's ParseInt(s, 0, 64) syntax plus "0o"/"0b".
std::optional<IntSyntax> int_syntax(std::string_view text) {
  std::string plain;
  for (const char c : text) {
    if (c != '_') plain += c;
  }
  IntSyntax syntax;
  std::string_view rest = plain;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    syntax.negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest.size() > 1 && rest[0] == '0') {
    const char marker = rest[1];
    if (marker == 'x' || marker == 'X') {
      syntax.base = 16;
      rest.remove_prefix(2);
    } else if (marker == 'o' || marker == 'O') {
      syntax.base = 8;
      rest.remove_prefix(2);
    } else if (marker == 'b' || marker == 'B') {
      syntax.base = 2;
      rest.remove_prefix(2);
    } else {
      syntax.base = 8;  // YAML 1.1 octal, still decoded by yaml.v3
      rest.remove_prefix(1);
    }
  }
  if (!digits_in_base(rest, syntax.base)) return std::nullopt;
  syntax.digits = std::string(rest);
  return syntax;
}

// The value when it fits 64 bits unsigned (Go's ParseUint limit), before the sign.
std::optional<unsigned __int128> magnitude(const IntSyntax& syntax) {
  constexpr unsigned __int128 kLimit = static_cast<unsigned __int128>(UINT64_MAX);
  unsigned __int128 value = 0;
  for (const char c : syntax.digits) {
    const int digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    value = value * static_cast<unsigned>(syntax.base) + static_cast<unsigned>(digit);
    if (value > kLimit) return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> int64_value(const IntSyntax& syntax) {
  constexpr unsigned __int128 kMinMagnitude = static_cast<unsigned __int128>(INT64_MAX) + 1;
  const auto value = magnitude(syntax);
  if (!value) return std::nullopt;
  if (syntax.negative) {
    if (*value > kMinMagnitude) return std::nullopt;
    return *value == kMinMagnitude ? INT64_MIN : -static_cast<std::int64_t>(*value);
  }
  if (*value >= kMinMagnitude) return std::nullopt;
  return static_cast<std::int64_t>(*value);
}

bool all_digits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? after '_' removal, or .inf/.nan.
bool is_float_syntax(std::string_view text) {
  if (is_one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                       ".nan", ".NaN", ".NAN"})) {
    return true;
  }
  std::string plain;
  for (const char c : text) {
    if (c != '_') plain += c;
  }
  std::string_view rest = plain;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) rest.remove_prefix(1);
  std::string_view exponent;
  if (const auto e = rest.find_first_of("eE"); e != std::string_view::npos) {
    exponent = rest.substr(e + 1);
    rest = rest.substr(0, e);
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.remove_prefix(1);
    if (exponent.empty() || !all_digits(exponent)) return false;
  }
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return !rest.empty() && all_digits(rest);
  const std::string_view whole = rest.substr(0, dot);
  const std::string_view fraction = rest.substr(dot + 1);
  if (!all_digits(whole) || !all_digits(fraction)) return false;
  return whole.empty() ? !fraction.empty() : true;
}

// The tag yaml.v3's resolve() gives a plain scalar (timestamps are left as !!str).
std::string resolve_plain(std::string_view text) {
  if (is_one_of(text, {"", "~", "null", "Null", "NULL"})) return "!!null";
  if (is_one_of(text, {"true", "True", "TRUE", "false", "False", "FALSE"})) return "!!bool";
  // yaml.v3 only tries numbers for scalars starting with a digit, a sign or a dot.
  const char first = text[0];
  if (!(first >= '0' && first <= '9') && first != '+' && first != '-' && first != '.') {
    return "!!str";
  }
  if (const auto syntax = int_syntax(text)) {
    if (int64_value(*syntax)) return "!!int";
    if (!syntax->negative && magnitude(*syntax)) return "!!int";  // Go's ParseUint
  }
  if (is_float_syntax(text)) return "!!float";
  return "!!str";
}

// yaml.v3 shows scalar values in type errors, cut to 7 bytes + "..." past 10 bytes.
std::string shown_value(const std::string& value) {
  if (value.size() <= 10) return value;
  std::size_t end = 7;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  return value.substr(0, end) + "...";
}

}  // namespace

YAML::Node load_yaml(std::string_view text) {
  check_characters(text);
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp gives this one the text "bad file".
    throw YamlError(fmt::format("yaml: line {}: nesting is too deep", e.mark.line + 1));
  } catch (const YAML::ParserException& e) {
    throw YamlError(fmt::format("yaml: line {}: {}", e.mark.line + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw YamlError(std::string("yaml: ") + e.msg);
  }
}

std::string yaml_tag(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "!!map";
    case YAML::NodeType::Sequence:
      return "!!seq";
    case YAML::NodeType::Scalar:
      break;
    default:
      return "!!null";
  }
  const std::string& tag = node.Tag();
  if (tag == "!") return "!!str";  // quoted or block scalar
  if (tag == "?" || tag.empty()) return resolve_plain(node.Scalar());
  if (std::string_view(tag).substr(0, kCoreTagPrefix.size()) == kCoreTagPrefix) {
    return "!!" + tag.substr(kCoreTagPrefix.size());
  }
  return tag;
}

std::optional<std::int64_t> yaml_int(const YAML::Node& node) {
  if (!node.IsScalar() || yaml_tag(node) != "!!int") return std::nullopt;
  const auto syntax = int_syntax(node.Scalar());
  return syntax ? int64_value(*syntax) : std::nullopt;
}

void YamlTypeErrors::mismatch(const YAML::Node& node, std::string_view go_type) {
  const std::string tag = yaml_tag(node);
  std::string value;
  if (node.IsScalar()) value = " `" + shown_value(node.Scalar()) + "`";
  lines_.push_back(
      fmt::format("line {}: cannot unmarshal {}{} into {}", line_of(node), tag, value, go_type));
}

void YamlTypeErrors::check_unique_keys(const YAML::Node& mapping) {
  std::map<std::string, int, std::less<>> first_line;
  for (const auto& entry : mapping) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar()) continue;
    const auto [it, inserted] = first_line.emplace(key.Scalar(), line_of(key));
    if (!inserted) {
      lines_.push_back(fmt::format("line {}: mapping key {} already defined at line {}",
                                   line_of(key), go_quote(key.Scalar()), it->second));
    }
  }
}

void YamlTypeErrors::throw_if_any() const {
  if (lines_.empty()) return;
  std::string message = "yaml: unmarshal errors:";
  for (const auto& line : lines_) message += "\n  " + line;
  throw YamlError(message);
}

}  // namespace sscsi::azure
