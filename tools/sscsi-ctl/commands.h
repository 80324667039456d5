#pragma once
// One sscsi-ctl invocation from arguments to exit status; main() only forwards argv and the
// standard streams, so tests run the tool in-process.

#include <ostream>
#include <string>
#include <vector>

namespace sscsi::tools {

// Exit status: 0 success; 1 the driver answered with an error, printed to `err` as
// "error: <CODE_NAME>: <message>"; 2 a usage error or an unusable local input (token file),
// printed as "sscsi-ctl: <message>".
int run_ctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace sscsi::tools
