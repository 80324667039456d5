#include "interrupt.h"

#include <csignal>
#include <stdexcept>

namespace sscsi::bench {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void remember_signal(int signal_number) { g_signal = signal_number; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = remember_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal_number : {SIGINT, SIGTERM}) sigaction(signal_number, &action, nullptr);
}

void throw_if_interrupted() {
  if (g_signal != 0) {
    throw std::runtime_error(g_signal == SIGINT ? "interrupted (SIGINT)" : "stopped (SIGTERM)");
  }
}

}  // namespace sscsi::bench
