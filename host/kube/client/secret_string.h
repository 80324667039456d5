#pragma once
// A string that holds credential material (bearer tokens, private keys) and wipes its bytes when
// it is destroyed, overwritten or moved from, so a freed heap block does not keep a key around.
// It has no stream operator and no implicit conversion: getting at the bytes takes .view().

#include <cstring>  // explicit_bzero
#include <string>
#include <string_view>
#include <utility>

namespace sscsi::kube {

class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  // Moves copy and then wipe the source: moving a short std::string copies its inline buffer
  // and would otherwise leave the bytes behind in the moved-from object.
  SecretString(const SecretString& other) : value_(other.value_) {}
  SecretString(SecretString&& other) noexcept : value_(other.value_) { other.clear(); }
  SecretString& operator=(const SecretString& other) {
    if (this != &other) {
      clear();
      value_ = other.value_;
    }
    return *this;
  }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      clear();
      value_ = other.value_;
      other.clear();
    }
    return *this;
  }
  ~SecretString() { clear(); }

  std::string_view view() const { return value_; }
  const char* data() const { return value_.data(); }
  std::size_t size() const { return value_.size(); }
  bool empty() const { return value_.empty(); }

  void clear() noexcept {
    if (!value_.empty()) explicit_bzero(value_.data(), value_.size());
    value_.clear();
  }

  friend bool operator==(const SecretString& a, const SecretString& b) {
    return a.value_ == b.value_;
  }

 private:
  std::string value_;
};

}  // namespace sscsi::kube
