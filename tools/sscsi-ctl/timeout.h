#pragma once
// --timeout values in the Go duration style the rest of sscsi uses ("2m", "30s", "1m30s",
// "500ms"), limited to whole numbers: a client deadline needs nothing finer.

#include <chrono>
#include <string_view>

namespace sscsi::tools {

// One or more <integer><unit> pairs, units h, m, s, ms; the total must be positive. Throws
// std::invalid_argument naming the text and the problem.
std::chrono::milliseconds parse_timeout(std::string_view text);

}  // namespace sscsi::tools
