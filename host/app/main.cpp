// sscsi-host: the Secrets Store CSI driver node daemon. Parses options, then runs the steps in
// app.cpp. Exit codes: 0 stopped on a signal (or --help/--version), 1 could not start or run,
// 2 unusable options.

#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "app/app.h"
#include "app/options.h"

int main(int argc, char** argv) {
  // argc may be 0 when the program is started with an empty argument vector.
  const std::vector<std::string> args(argc > 0 ? argv + 1 : argv, argv + argc);
  auto parsed = sscsi::app::parse_options(args);
  if (const auto* early = std::get_if<sscsi::app::EarlyExit>(&parsed)) {
    std::fputs(early->out.c_str(), stdout);
    std::fputs(early->err.c_str(), stderr);
    return early->exit_code;
  }
  try {
    return sscsi::app::run(std::move(std::get<sscsi::app::Options>(parsed)));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sscsi-host: fatal: %s\n", error.what());
    return 1;
  }
}
