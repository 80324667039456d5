#pragma once
// The signals sscsi-host handles itself. They are blocked in every thread (block them before
// any thread exists: threads inherit the mask) and taken synchronously by one waiting thread,
// so no code runs in signal-handler context.

#include <csignal>
#include <string>

namespace sscsi::app {

// SIGTERM and SIGINT (stop), SIGHUP (logged and ignored: nothing is reloaded).
sigset_t handled_signals();

// Blocks handled_signals() in the calling thread and ignores SIGPIPE (a peer closing a socket
// must not kill the daemon). Throws std::system_error.
void block_handled_signals();

// Waits until one of handled_signals() is pending and takes it; returns its number. The signals
// must be blocked in every thread. Throws std::system_error.
int wait_for_handled_signal();

// "SIGTERM", "SIGINT", "SIGHUP", else "signal N".
std::string signal_name(int signal_number);

}  // namespace sscsi::app
