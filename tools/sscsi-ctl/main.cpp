// sscsi-ctl: a CSI client for operators and tests. See commands.h for the exit statuses and
// command_line.cpp for the commands and options.

#include <iostream>
#include <string>
#include <vector>

#include "sscsi-ctl/commands.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return sscsi::tools::run_ctl(args, std::cout, std::cerr);
}
