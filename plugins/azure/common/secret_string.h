#pragma once
// Strings that hold secrets (tokens, client secrets, secret values, private keys). Their heap
// storage is zeroed before it is released, including the old buffer whenever the string grows.
// make_secret reserves past the small-string buffer so the bytes never live inside the object
// itself, where a destructor could not wipe them.

#include <cstddef>
#include <string>
#include <string_view>

namespace sscsi::azure {

void wipe_memory(void* data, std::size_t size) noexcept;

template <typename T>
struct WipingAllocator {
  using value_type = T;
  WipingAllocator() noexcept = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    wipe_memory(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  template <typename U>
  bool operator==(const WipingAllocator<U>&) const noexcept {
    return true;
  }
};

using SecretString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

// A SecretString holding `text`, always heap-allocated (see above).
SecretString make_secret(std::string_view text);

inline std::string_view view(const SecretString& s) noexcept { return {s.data(), s.size()}; }

}  // namespace sscsi::azure
