#pragma once
// Reads one plugin's configuration file (--plugin-config NAME=FILE): at most 1 MiB, a JSON
// object. The text is handed to the plugin's create; it may hold credentials, so it is never
// logged, and parse errors are reported without quoting the file's contents.

#include <cstddef>
#include <filesystem>
#include <string>

#include "plugins/outcome.h"

namespace sscsi::plugins {

inline constexpr std::size_t kMaxPluginConfigBytes = std::size_t{1} << 20;

// The configuration as compact JSON text, or why it cannot be used.
Outcome<std::string> read_plugin_config(const std::filesystem::path& file);

}  // namespace sscsi::plugins
