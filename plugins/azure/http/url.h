#pragma once
// URL pieces the Azure code needs: percent-encoding of path segments and query values, the
// form encoding of token requests, and the scheme/host/port of a URL (to compare origins
// before a bearer token follows a nextLink, and to check a challenge against the vault).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/secret_string.h"

namespace sscsi::azure {

// RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) kept, every other byte %XX (upper-case
// hex): safe as one path segment or one query value.
std::string percent_encode(std::string_view text);

// application/x-www-form-urlencoded as Go's url.Values.Encode writes it (space as '+', the
// rest like percent_encode), in the order given. Values may be secrets, so the result is one.
SecretString form_encode(const std::vector<std::pair<std::string_view, std::string_view>>& fields);

struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // lower case, without brackets for IPv6
  int port = 0;        // explicit or the scheme's default
  std::string path;    // "/" at least
  std::string query;   // without '?', "" when none
  bool has_userinfo = false;
  bool has_fragment = false;
};

// Nullopt when `url` is not an absolute http(s) URL with a host.
std::optional<UrlParts> parse_url(std::string_view url);

// "scheme://host:port" with the default port spelled out, for origin comparisons.
std::string origin_of(const UrlParts& url);

}  // namespace sscsi::azure
