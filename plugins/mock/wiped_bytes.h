#pragma once
// A byte buffer for object contents that is zeroed before its memory is released (including the
// old storage when it grows), so secrets read by the plugin do not linger in freed heap memory.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace sscsi::mock {

class WipedBytes {
 public:
  WipedBytes() = default;
  explicit WipedBytes(std::string_view bytes);
  WipedBytes(WipedBytes&& other) noexcept;
  WipedBytes& operator=(WipedBytes&& other) noexcept;
  WipedBytes(const WipedBytes&) = delete;
  WipedBytes& operator=(const WipedBytes&) = delete;
  ~WipedBytes();

  // Makes room for at least `capacity` bytes in total, wiping the old storage if it moves.
  void reserve(std::size_t capacity);
  // Writable space after the current end; `reserve` first. `grow` commits what was written there.
  char* spare() noexcept { return data_.get() + size_; }
  std::size_t spare_size() const noexcept { return capacity_ - size_; }
  void grow(std::size_t written) noexcept { size_ += written; }

  const std::uint8_t* data() const noexcept;
  std::size_t size() const noexcept { return size_; }
  std::string_view view() const noexcept { return {data_.get(), size_}; }

 private:
  void wipe() noexcept;

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace sscsi::mock
