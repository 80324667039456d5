#pragma once
// curl CONNECT_TO entries ("HOST:PORT:TO_HOST:TO_PORT"): checked when the configuration is
// read, so a typo fails plugin start-up with a message instead of being ignored per request.

#include <string>
#include <string_view>

namespace sscsi::azure {

// "" when `entry` is well formed: four fields separated by ':' (IPv6 addresses in brackets),
// each port empty or 1..65535, TO_HOST or TO_PORT set. Otherwise what is wrong with it.
std::string connect_to_problem(std::string_view entry);

}  // namespace sscsi::azure
