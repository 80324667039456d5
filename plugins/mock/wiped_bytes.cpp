#include "wiped_bytes.h"

#include <string.h>  // explicit_bzero: unlike memset it is never optimised away

#include <utility>

namespace sscsi::mock {

WipedBytes::WipedBytes(std::string_view bytes) {
  reserve(bytes.size());
  if (!bytes.empty()) memcpy(data_.get(), bytes.data(), bytes.size());
  size_ = bytes.size();
}

WipedBytes::WipedBytes(WipedBytes&& other) noexcept
    : data_(std::move(other.data_)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

WipedBytes& WipedBytes::operator=(WipedBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

WipedBytes::~WipedBytes() { wipe(); }

void WipedBytes::reserve(std::size_t capacity) {
  if (capacity <= capacity_ && data_) return;
  // One spare byte so that an empty buffer still has storage and data() is never NULL.
  auto bigger = std::make_unique<char[]>(capacity + 1);
  if (size_ > 0) memcpy(bigger.get(), data_.get(), size_);
  wipe();
  data_ = std::move(bigger);
  capacity_ = capacity;
}

const std::uint8_t* WipedBytes::data() const noexcept {
  return reinterpret_cast<const std::uint8_t*>(data_.get());
}

void WipedBytes::wipe() noexcept {
  if (data_) explicit_bzero(data_.get(), capacity_ + 1);
}

}  // namespace sscsi::mock
