#include "kube/objects/base64.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace sscsi::kube {
namespace {

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  if (bytes.empty()) return out;
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  // EVP_DecodeBlock skips whitespace and accepts '=' anywhere; insist on the canonical form.
  for (std::size_t i = 0; i + padding < text.size(); ++i) {
    if (!in_alphabet(text[i])) return std::nullopt;
  }
  std::string out(3 * (text.size() / 4), '\0');
  if (text.empty()) return out;
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

}  // namespace sscsi::kube
