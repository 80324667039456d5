#pragma once
// What a volume holds: files with modes and contents. Contents are secrets, so their buffers
// are wiped when released (including when a vector grows and drops its old buffer).

#include <cstddef>
#include <cstdint>
#include <cstring>  // explicit_bzero
#include <memory>
#include <string>
#include <vector>

namespace sscsi::mount {

template <typename T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    explicit_bzero(p, n * sizeof(T));  // not optimised away, unlike memset before free
    std::allocator<T>{}.deallocate(p, n);
  }
  template <typename U>
  bool operator==(const WipingAllocator<U>&) const noexcept {
    return true;
  }
};

using SecretBytes = std::vector<std::uint8_t, WipingAllocator<std::uint8_t>>;

struct PayloadFile {
  std::string path;    // relative, valid per path_rules.h
  std::uint32_t mode;  // 0..0777
  SecretBytes data;
};

// A file as it is stored in a volume (read back for change detection and Secret sync).
struct StoredFile {
  std::uint32_t mode = 0;  // permission bits
  SecretBytes data;
  bool operator==(const StoredFile&) const = default;
};

}  // namespace sscsi::mount
