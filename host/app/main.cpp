// sscsi-host: the Secrets Store CSI driver node daemon. Parses options, then runs the steps in
// app.cpp. Exit codes: 0 stopped on a signal (or --help/--version), 1 could not start or run,
// 2 unusable options.

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "app/app.h"
#include "app/options.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define SSCSI_LEAK_CHECK_AT_EXIT 1
#endif

namespace {

// Ends the process once the daemon has stopped, without static destructors and atexit handlers:
// plugin threads may still be running (a call past its deadline) or exiting (idle workers told
// to stop run OpenSSL's thread-exit cleanup), and OpenSSL's atexit cleanup or a destructor would
// free what they use. Logs are flushed first; sanitizer builds still check for leaks here.
[[noreturn]] void leave(int exit_code) {
  if (const auto logger = spdlog::default_logger()) logger->flush();
  std::fflush(stdout);
  std::fflush(stderr);
#if defined(SSCSI_LEAK_CHECK_AT_EXIT)
  __lsan_do_leak_check();  // dies with LeakSanitizer's report and exit code on a leak
#endif
  std::_Exit(exit_code);
}

}  // namespace

int main(int argc, char** argv) {
  // argc may be 0 when the program is started with an empty argument vector.
  const std::vector<std::string> args(argc > 0 ? argv + 1 : argv, argv + argc);
  auto parsed = sscsi::app::parse_options(args);
  if (const auto* early = std::get_if<sscsi::app::EarlyExit>(&parsed)) {
    std::fputs(early->out.c_str(), stdout);
    std::fputs(early->err.c_str(), stderr);
    return early->exit_code;
  }
  int exit_code = 1;
  try {
    exit_code = sscsi::app::run(std::move(std::get<sscsi::app::Options>(parsed)));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sscsi-host: fatal: %s\n", error.what());
  }
  leave(exit_code);
}
