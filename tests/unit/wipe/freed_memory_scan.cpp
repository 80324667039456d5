#include "freed_memory_scan.h"

#include <malloc.h>  // malloc_usable_size
#include <string.h>  // memmem

#include <atomic>
#include <cstdlib>
#include <new>
#include <stdexcept>

namespace sscsi::testing {
namespace {

std::atomic<const std::string*> active_needle{nullptr};
std::atomic<std::size_t> hit_count{0};

// Runs inside operator delete: must not allocate.
void scan(void* block) noexcept {
  const std::string* needle = active_needle.load();
  if (block == nullptr || needle == nullptr) return;
  // The whole usable block, not just what was asked for: a short string's characters sit
  // inside a larger node (a std::map entry, a vector slot).
  const std::size_t size = malloc_usable_size(block);
  if (memmem(block, size, needle->data(), needle->size()) != nullptr) hit_count.fetch_add(1);
}

void* allocate(std::size_t size, std::size_t alignment) {
  if (size == 0) size = 1;
  void* block = nullptr;
  if (alignment <= alignof(std::max_align_t)) {
    block = std::malloc(size);
  } else if (posix_memalign(&block, alignment, size) != 0) {
    block = nullptr;
  }
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

void release(void* block) noexcept {
  scan(block);
  std::free(block);
}

}  // namespace

FreedMemoryScan::FreedMemoryScan(std::string needle) : needle_(std::move(needle)) {
  if (needle_.empty()) throw std::invalid_argument("FreedMemoryScan needs a non-empty needle");
  const std::string* expected = nullptr;
  if (!active_needle.compare_exchange_strong(expected, &needle_)) {
    throw std::logic_error("only one FreedMemoryScan may be alive at a time");
  }
  hit_count = 0;
}

FreedMemoryScan::~FreedMemoryScan() { active_needle = nullptr; }

std::size_t FreedMemoryScan::hits() const { return hit_count.load(); }

}  // namespace sscsi::testing

// The replaceable global allocation functions ([new.delete]), all routed through malloc/free.
using sscsi::testing::allocate;
using sscsi::testing::release;

void* operator new(std::size_t size) { return allocate(size, 0); }
void* operator new[](std::size_t size) { return allocate(size, 0); }
void* operator new(std::size_t size, std::align_val_t align) {
  return allocate(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return allocate(size, static_cast<std::size_t>(align));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size, 0);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* block) noexcept { release(block); }
void operator delete[](void* block) noexcept { release(block); }
void operator delete(void* block, std::size_t) noexcept { release(block); }
void operator delete[](void* block, std::size_t) noexcept { release(block); }
void operator delete(void* block, std::align_val_t) noexcept { release(block); }
void operator delete[](void* block, std::align_val_t) noexcept { release(block); }
void operator delete(void* block, std::size_t, std::align_val_t) noexcept { release(block); }
void operator delete[](void* block, std::size_t, std::align_val_t) noexcept { release(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { release(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { release(block); }
