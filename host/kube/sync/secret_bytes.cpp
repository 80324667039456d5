#include "kube/sync/secret_bytes.h"

#include <openssl/crypto.h>

namespace sscsi::kube {

void wipe_string(std::string& text) noexcept {
  // Short strings live inside the object (SSO); the whole capacity covers both cases.
  text.resize(text.capacity());
  OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}

SecretBytes::SecretBytes(std::string_view bytes) : bytes_(bytes) {}

SecretBytes::SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.wipe();  // a short string was copied out of the inline buffer, which still holds it
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.wipe();
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() noexcept { wipe_string(bytes_); }

void SecretBytes::append(std::string_view more) {
  if (bytes_.size() + more.size() > bytes_.capacity()) {
    std::string grown;
    grown.reserve(2 * (bytes_.size() + more.size()));
    grown = bytes_;
    wipe();
    bytes_ = std::move(grown);
  }
  bytes_.append(more);
}

}  // namespace sscsi::kube
