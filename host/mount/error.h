#pragma once
// The one exception type of the mount engine. Messages name the path and the problem and never
// contain file contents; `sys_errno` lets callers react to specific OS conditions (EBUSY on
// unmount, ENOSPC on a full volume) without parsing text.

#include <stdexcept>
#include <string>

namespace sscsi::mount {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int sys_errno = 0)
      : std::runtime_error(message), sys_errno_(sys_errno) {}

  // The errno of the failed OS call, or 0 when the problem is not an OS error (bad payload,
  // a limit, a foreign entry in the way).
  int sys_errno() const noexcept { return sys_errno_; }

 private:
  int sys_errno_;
};

}  // namespace sscsi::mount
