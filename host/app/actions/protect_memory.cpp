#include <sys/prctl.h>

#include <spdlog/spdlog.h>
#include <cerrno>
#include <system_error>

#include "app/actions/actions.h"

namespace sscsi::app::actions {

ActionResult protect_memory(State& state) {
  if (state.options.allow_core_dumps) {
    spdlog::warn(
        "--allow-core-dumps is set: a core dump of this process would hold the secrets and "
        "tokens it has in memory");
    return ActionResult::next();
  }
  // Not dumpable: the kernel writes no core dump at all (not even to a core_pattern pipe), and
  // /proc/<pid>/mem, /proc/<pid>/environ and ptrace need CAP_SYS_PTRACE even for processes of
  // the same user. The flag lasts for the process's life: the host never calls execve or
  // changes its credentials, either of which would reset it.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return ActionResult::stop(1, "cannot make the process non-dumpable (prctl PR_SET_DUMPABLE): " +
                                     std::generic_category().message(errno) +
                                     "; pass --allow-core-dumps to run anyway");
  }
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
