#include "http/url.h"

#include <curl/curl.h>

#include <memory>

namespace sscsi::azure {
namespace {

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

constexpr char kHex[] = "0123456789ABCDEF";

template <typename Out>
void append_encoded(Out& out, std::string_view text, bool space_as_plus) {
  for (const char c : text) {
    if (unreserved(c)) {
      out.push_back(c);
    } else if (c == ' ' && space_as_plus) {
      out.push_back('+');
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    }
  }
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

std::optional<std::string> part(CURLU* url, CURLUPart which, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(url, which, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  return std::string(raw);
}

}  // namespace

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_encoded(out, text, false);
  return out;
}

SecretString form_encode(const std::vector<std::pair<std::string_view, std::string_view>>& fields) {
  std::size_t size = 0;
  for (const auto& [name, value] : fields) size += 3 * (name.size() + value.size()) + 2;
  SecretString out = make_secret("");
  out.reserve(size);
  bool first = true;
  for (const auto& [name, value] : fields) {
    if (!first) out.push_back('&');
    first = false;
    append_encoded(out, name, true);
    out.push_back('=');
    append_encoded(out, value, true);
  }
  return out;
}

std::optional<UrlParts> parse_url(std::string_view text) {
  if (text.empty() || text.size() > 8192) return std::nullopt;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return std::nullopt;
  }
  // libcurl accepts "https:///host" as host "host"; an authority must follow "://" directly.
  const std::size_t authority = text.find("://");
  if (authority == std::string_view::npos || authority + 3 >= text.size() ||
      text[authority + 3] == '/') {
    return std::nullopt;
  }
  std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
  if (!url) return std::nullopt;
  const std::string copy(text);
  if (curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK) return std::nullopt;
  UrlParts parts;
  const auto scheme = part(url.get(), CURLUPART_SCHEME);
  const auto host = part(url.get(), CURLUPART_HOST);
  if (!scheme || !host || host->empty()) return std::nullopt;
  parts.scheme = lower(*scheme);
  if (parts.scheme != "http" && parts.scheme != "https") return std::nullopt;
  parts.host = lower(*host);
  if (parts.host.size() > 2 && parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  const auto port = part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!port) return std::nullopt;
  try {
    parts.port = std::stoi(*port);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  parts.path = part(url.get(), CURLUPART_PATH).value_or("/");
  if (parts.path.empty()) parts.path = "/";
  parts.query = part(url.get(), CURLUPART_QUERY).value_or("");
  parts.has_userinfo = part(url.get(), CURLUPART_USER).has_value();
  parts.has_fragment = part(url.get(), CURLUPART_FRAGMENT).has_value();
  return parts;
}

std::string origin_of(const UrlParts& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  return url.scheme + "://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
         std::to_string(url.port);
}

}  // namespace sscsi::azure
