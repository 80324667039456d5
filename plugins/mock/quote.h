#pragma once
// Quoting of user-supplied names (objectName, paths, parameter values) inside error messages:
// one line, bounded length, visible delimiters. Never use it on secret values.

#include <string>
#include <string_view>

namespace sscsi::mock {

// `text` in double quotes with `"`, `\` and control bytes escaped; longer than 128 bytes it is
// cut at a UTF-8 character boundary and marked with "...".
std::string quote(std::string_view text);

}  // namespace sscsi::mock
