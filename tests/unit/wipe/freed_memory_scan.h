#pragma once
// Watches what the process frees: while a FreedMemoryScan is alive, every block released
// through operator delete is searched for its needle before the memory is returned. The test
// binary replaces the global operator new/delete for this (freed_memory_scan.cpp), so it sees
// the frees of the standard library, protobuf and the host code alike.

#include <cstddef>
#include <string>

namespace sscsi::testing {

class FreedMemoryScan {
 public:
  // Only one scan may be alive at a time; the needle should be unique to the test.
  explicit FreedMemoryScan(std::string needle);
  ~FreedMemoryScan();
  FreedMemoryScan(const FreedMemoryScan&) = delete;
  FreedMemoryScan& operator=(const FreedMemoryScan&) = delete;

  // How many freed blocks still held the needle.
  std::size_t hits() const;

 private:
  std::string needle_;
};

}  // namespace sscsi::testing
