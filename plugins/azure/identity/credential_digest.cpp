#include "identity/credential_digest.h"

#include <openssl/evp.h>

#include "common/secret_string.h"
#include "http/secret_json.h"

namespace sscsi::azure {
namespace {

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

std::optional<SecretString> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  SecretString out = make_secret("");
  out.reserve(text.size() * 3 / 4 + 3);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = base64url_value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

std::optional<std::string> service_account_subject(std::string_view jwt) {
  const std::size_t first = jwt.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const std::size_t second = jwt.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto payload = base64url_decode(jwt.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  const auto claims = parse_secret_json(view(*payload));
  if (!claims.value) return std::nullopt;
  const SecretString* sub = json_string(*claims.value, "sub");
  if (sub == nullptr) return std::nullopt;
  constexpr std::string_view kPrefix = "system:serviceaccount:";
  const std::string_view subject = view(*sub);
  if (subject.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view rest = subject.substr(kPrefix.size());
  const std::size_t colon = rest.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 >= rest.size() ||
      rest.find(':', colon + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(rest.substr(0, colon)) + "/" + std::string(rest.substr(colon + 1));
}

}  // namespace sscsi::azure
