#include "file_mode.h"

namespace sscsi::mock {

std::variant<std::uint32_t, FileModeProblem> parse_file_mode(std::string_view text) {
  if (text.empty()) return FileModeProblem::kNotOctal;
  constexpr std::uint32_t kMaxMode = 0777;
  std::uint32_t mode = 0;
  bool too_large = false;
  for (const char c : text) {
    if (c < '0' || c > '7') return FileModeProblem::kNotOctal;
    // Keep scanning after the value is too large so that "99999x" still reads as not octal.
    if (!too_large) {
      mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
      too_large = mode > kMaxMode;
    }
  }
  if (too_large) return FileModeProblem::kTooLarge;
  return mode;
}

}  // namespace sscsi::mock
