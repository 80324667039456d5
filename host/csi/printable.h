#pragma once
// Request strings (paths, ids) go into log lines and status messages; a newline or escape
// sequence in them must not forge a log line or reach a terminal raw.

#include <string>
#include <string_view>

namespace sscsi::csi {

// `text` with bytes below 0x20, 0x7f and '"' / '\\' escaped (\n, \t, \", \\, \xNN), wrapped in
// double quotes.
std::string printable(std::string_view text);

}  // namespace sscsi::csi
