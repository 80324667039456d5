#pragma once
// Overwriting text that held a secret (a token, a client secret, a JSON document carrying
// either) before its memory goes back to the allocator. explicit_bzero, unlike memset, is not
// optimised away when the buffer is about to be freed. Payload bytes use WipingAllocator
// (payload.h) instead, which also covers the buffers a growing vector drops.

#include <string.h>  // explicit_bzero

#include <map>
#include <string>
#include <utility>

namespace sscsi::mount {

inline void wipe(std::string& text) noexcept {
  if (!text.empty()) explicit_bzero(text.data(), text.size());
}

// Owns text that holds a secret and wipes it when destroyed.
class WipedText {
 public:
  explicit WipedText(std::string text) noexcept : text_(std::move(text)) {}
  ~WipedText() { wipe(text_); }
  WipedText(const WipedText&) = delete;
  WipedText& operator=(const WipedText&) = delete;
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

inline void wipe_values(std::map<std::string, std::string>& entries) noexcept {
  for (auto& entry : entries) wipe(entry.second);
}

}  // namespace sscsi::mount
