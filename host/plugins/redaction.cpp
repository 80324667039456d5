#include "plugins/redaction.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <utility>

namespace sscsi::plugins {
namespace {

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Characters of a word such as client_secret, x-api-key or serviceAccount.tokens.
bool is_name_char(char c) { return is_base64url(c) || c == '.'; }

// Characters of a field name, which may also be a path
// ("csi.storage.k8s.io/serviceAccount.tokens").
bool is_field_char(char c) { return is_name_char(c) || c == '/'; }

// Characters of a token after an auth scheme (RFC 6750 b64token plus base64's '+' '/' '=').
bool is_token68(char c) {
  return is_base64url(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

std::size_t skip_blanks(std::string_view text, std::size_t at) {
  while (at < text.size() && is_blank(text[at])) ++at;
  return at;
}

std::size_t skip_base64url(std::string_view text, std::size_t at) {
  while (at < text.size() && is_base64url(text[at])) ++at;
  return at;
}

// A JWT (or JWE) starting at `at`: "eyJ" + segment, '.', segment, '.', optional segment, and
// any further ".segment". Returns its end, or `at` when there is none.
std::size_t match_jwt(std::string_view text, std::size_t at) {
  if (text.substr(at, 3) != "eyJ") return at;
  std::size_t end = skip_base64url(text, at);
  if (end >= text.size() || text[end] != '.') return at;
  const std::size_t second = end + 1;
  end = skip_base64url(text, second);
  if (end == second || end >= text.size() || text[end] != '.') return at;
  end = skip_base64url(text, end + 1);
  while (end < text.size() && text[end] == '.' && end + 1 < text.size() &&
         is_base64url(text[end + 1])) {
    end = skip_base64url(text, end + 1);
  }
  return end;
}

// "Bearer <token>" or "Basic <credentials>" starting at `at`: returns where the token starts and
// ends, or {at, at}. Short words ("Bearer token expired") are not tokens.
std::pair<std::size_t, std::size_t> match_auth_scheme(std::string_view text, std::size_t at) {
  constexpr std::size_t kMinTokenBytes = 8;
  for (const std::string_view scheme : {std::string_view("bearer"), std::string_view("basic")}) {
    if (!starts_with_ci(text, at, scheme)) continue;
    const std::size_t after = at + scheme.size();
    if (after >= text.size() || !is_blank(text[after])) continue;
    const std::size_t start = skip_blanks(text, after);
    std::size_t end = start;
    while (end < text.size() && is_token68(text[end])) ++end;
    if (end - start >= kMinTokenBytes) return {start, end};
  }
  return {at, at};
}

// End of a JSON value starting at `at` that is not a string: an object or array (balanced,
// strings skipped) or a bare literal.
std::size_t skip_json_value(std::string_view text, std::size_t at) {
  if (text[at] != '{' && text[at] != '[') {
    std::size_t end = at;
    while (end < text.size() && text[end] != ',' && text[end] != '}' && text[end] != ']' &&
           !is_blank(text[end]) && text[end] != '\n') {
      ++end;
    }
    return end;
  }
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = at; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return text.size();
}

// End of a quoted value whose opening quote `quote` (either `"`, `'` or an escaped `\"` inside
// another JSON string) ends just before `at`. Returns the position of the closing quote.
std::size_t find_closing_quote(std::string_view text, std::size_t at, std::string_view quote) {
  for (std::size_t i = at; i < text.size(); ++i) {
    if (quote == "\\\"") {
      if (text.substr(i, 2) == "\\\"") return i;
      if (text[i] == '\\') ++i;  // another escape, e.g. "\\\\"
    } else if (text[i] == '\\') {
      ++i;
    } else if (text[i] == quote[0]) {
      return i;
    }
  }
  return text.size();
}

// The quote that directly precedes position `at` ("\"", "'" or "\\\""), or empty.
std::string_view quote_before(std::string_view text, std::size_t at) {
  if (at >= 2 && text.substr(at - 2, 2) == "\\\"") return "\\\"";
  if (at >= 1 && (text[at - 1] == '"' || text[at - 1] == '\'')) return text.substr(at - 1, 1);
  return {};
}

struct ValueSpan {
  std::size_t start = 0;  // first byte to replace
  std::size_t end = 0;    // one past the last byte to replace
};

// For a secret field name occupying [name_start, name_end): where its value lies, if it is
// followed by one. Quoted names use ':' (JSON, Python reprs); bare names use '=' (forms, query
// strings, connection strings). A bare `name: value` is left alone because prose uses it
// ("failed to get token: connection refused").
std::optional<ValueSpan> match_field_value(std::string_view text, std::size_t name_start,
                                           std::size_t name_end) {
  const std::string_view quote = quote_before(text, name_start);
  std::size_t at = name_end;
  if (!quote.empty()) {
    if (text.substr(at, quote.size()) != quote) return std::nullopt;
    at = skip_blanks(text, at + quote.size());
    if (at >= text.size() || (text[at] != ':' && text[at] != '=')) return std::nullopt;
    at = skip_blanks(text, at + 1);
    if (at >= text.size()) return std::nullopt;
    for (const std::string_view value_quote :
         {std::string_view("\\\""), std::string_view("\""), std::string_view("'")}) {
      if (text.substr(at, value_quote.size()) == value_quote) {
        const std::size_t start = at + value_quote.size();
        return ValueSpan{start, find_closing_quote(text, start, value_quote)};
      }
    }
    return ValueSpan{at, skip_json_value(text, at)};
  }
  if (at >= text.size() || text[at] != '=') return std::nullopt;
  const std::size_t start = at + 1;
  std::size_t end = start;
  constexpr std::string_view kDelimiters = "&;, \t\r\n\"'<>)}]";
  while (end < text.size() && kDelimiters.find(text[end]) == std::string_view::npos) ++end;
  return ValueSpan{start, end};
}

}  // namespace

bool is_secret_field_name(std::string_view name) {
  std::string normalized;
  normalized.reserve(name.size());
  for (const char c : name) {
    if (c != '_' && c != '-' && c != '.') normalized.push_back(lower(c));
  }
  static constexpr std::array<std::string_view, 14> kSuffixes = {
      "token",     "tokens",     "secret",      "password",     "passwd",
      "assertion", "apikey",     "accesskey",   "accountkey",   "privatekey",
      "secretkey", "credential", "credentials", "authorization"};
  const auto ends_with = [&](std::string_view suffix) {
    return std::string_view(normalized).ends_with(suffix);
  };
  return normalized == "sig" || normalized == "pwd" ||
         std::any_of(kSuffixes.begin(), kSuffixes.end(), ends_with);
}

std::string redact_secrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const bool at_word_start = i == 0 || !is_name_char(text[i - 1]);
    if (!at_word_start || !is_name_char(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    if (const std::size_t end = match_jwt(text, i); end != i) {
      out.append(kRedacted);
      i = end;
      continue;
    }
    if (const auto [start, end] = match_auth_scheme(text, i); end != i) {
      out.append(text.substr(i, start - i));
      out.append(kRedacted);
      i = end;
      continue;
    }
    std::size_t field_end = i;
    while (field_end < text.size() && is_field_char(text[field_end])) ++field_end;
    if (is_secret_field_name(text.substr(i, field_end - i))) {
      if (const auto value = match_field_value(text, i, field_end);
          value && value->end > value->start) {
        out.append(text.substr(i, value->start - i));
        out.append(kRedacted);
        i = value->end;
        continue;
      }
    }
    // Only the first word is consumed, so that a JWT after a '/' (a URL path) is still seen.
    std::size_t word_end = i;
    while (word_end < text.size() && is_name_char(text[word_end])) ++word_end;
    out.append(text.substr(i, word_end - i));
    i = word_end;
  }
  return out;
}

}  // namespace sscsi::plugins
