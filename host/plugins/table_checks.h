#pragma once
// Checks the table a plugin's entry symbol returned and copies the members that lie inside its
// struct_size into a host-owned table (later members stay NULL), so nothing outside the
// plugin's declared size is ever read.

#include <sscsi/provider.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/outcome.h"

namespace sscsi::plugins {

// Bytes of sscsi_provider that ABI 1.0 defines (struct_size .. destroy).
inline constexpr std::size_t kProviderAbi10Size =
    offsetof(sscsi_provider, destroy) + sizeof(sscsi_provider::destroy);

inline constexpr std::size_t kMaxProviderNameBytes = 30;

// The checked copy of `table`, or why the plugin is refused: ABI major differs, minor newer
// than the host's, struct_size too small, a required member NULL, an invalid name or an empty
// version. `table` may be NULL (the plugin refused the host's ABI).
Outcome<sscsi_provider> check_provider_table(const sscsi_provider* table);

// Why `name` is not a valid provider name (^[a-zA-Z0-9_-]{1,30}$), or nullopt.
std::optional<std::string> provider_name_problem(std::string_view name);

}  // namespace sscsi::plugins
