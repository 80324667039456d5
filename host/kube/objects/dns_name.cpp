#include "kube/objects/dns_name.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace sscsi::kube {
namespace {

constexpr std::size_t kHashDigits = 10;

bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 is not available from OpenSSL");
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

std::string fit_dns_subdomain(const std::string& name) {
  if (name.size() <= kMaxDnsSubdomainLength) return name;
  std::string prefix = name.substr(0, kMaxDnsSubdomainLength - 1 - kHashDigits);
  while (!prefix.empty() && (prefix.back() == '-' || prefix.back() == '.')) prefix.pop_back();
  return prefix + "-" + sha256_hex(name).substr(0, kHashDigits);
}

bool is_dns_subdomain(std::string_view name) {
  if (name.empty() || name.size() > kMaxDnsSubdomainLength) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !is_alnum_lower(label.front()) || !is_alnum_lower(label.back())) {
      return false;
    }
    for (char c : label) {
      if (!is_alnum_lower(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace sscsi::kube
