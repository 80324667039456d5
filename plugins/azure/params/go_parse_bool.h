#pragma once
// Go's strconv.ParseBool, which upstream uses for usePodIdentity, useVMManagedIdentity and
// useAzureTokenProxy (reference azure-provider.md §1).

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::azure {

// true for 1 t T TRUE true True, false for 0 f F FALSE false False, nullopt for anything else
// (including "" — callers map an absent parameter to false themselves, as upstream does).
std::optional<bool> go_parse_bool(std::string_view text);

// The text of Go's error for `text`: strconv.ParseBool: parsing "<text>": invalid syntax
std::string go_parse_bool_error(std::string_view text);

}  // namespace sscsi::azure
