#pragma once
// Bytes of a secret (file contents, Secret data). Wiped with OPENSSL_cleanse when destroyed,
// overwritten or moved from, so freed heap memory does not keep them.

#include <string>
#include <string_view>

namespace sscsi::kube {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view bytes);
  SecretBytes(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  std::string_view view() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  // Appends without leaving a shorter, unwiped copy behind in a reallocated buffer.
  void append(std::string_view more);

  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    return a.bytes_ == b.bytes_;
  }

 private:
  void wipe() noexcept;
  std::string bytes_;
};

// Overwrites the characters of a std::string that held secret bytes (a request or response
// body), then clears it.
void wipe_string(std::string& text) noexcept;

}  // namespace sscsi::kube
