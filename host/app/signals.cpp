#include "app/signals.h"

#include <pthread.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace sscsi::app {

sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

void block_handled_signals() {
  const sigset_t set = handled_signals();
  if (const int error = pthread_sigmask(SIG_BLOCK, &set, nullptr); error != 0) {
    throw std::system_error(error, std::generic_category(), "cannot block SIGTERM/SIGINT/SIGHUP");
  }
  if (std::signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
    throw std::system_error(errno, std::generic_category(), "cannot ignore SIGPIPE");
  }
}

int wait_for_handled_signal() {
  const sigset_t set = handled_signals();
  int signal_number = 0;
  if (const int error = sigwait(&set, &signal_number); error != 0) {
    throw std::system_error(error, std::generic_category(), "sigwait");
  }
  return signal_number;
}

std::string signal_name(int signal_number) {
  switch (signal_number) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    default:
      return fmt::format("signal {}", signal_number);
  }
}

}  // namespace sscsi::app
