#pragma once
// Loads provider plugins (*.so) from a directory through the C ABI in sdk/include/sscsi/provider.h.
// Every file is checked before dlopen (ownership, permissions, symlinks), then the handshake, the
// table and init; every refusal is reported with the file and the reason.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "plugins/registry.h"

namespace sscsi::metrics {
class Registry;
}

namespace sscsi::plugins {

struct LoaderOptions {
  std::filesystem::path plugin_dir;
  // provider name -> JSON file with that plugin's configuration (--plugin-config NAME=FILE).
  std::map<std::string, std::filesystem::path> plugin_configs;
  // At shutdown, how long a provider waits for its running calls before it is left loaded
  // without being destroyed.
  std::chrono::milliseconds shutdown_grace{2000};
};

struct Refusal {
  std::filesystem::path file;
  std::string reason;  // one line, actionable
};

struct LoadReport {
  std::vector<std::string> loaded;  // provider names, in load order
  std::vector<Refusal> refused;
};

// Loads every regular `*.so` of options.plugin_dir (sorted by file name) into `registry`.
// Never throws for a bad plugin: it becomes a Refusal. Throws std::runtime_error only when the
// directory itself cannot be used (missing, not a directory, unsafe ownership or permissions).
// A --plugin-config entry naming a provider that did not load is reported as a Refusal too.
LoadReport load_plugins(const LoaderOptions& options, metrics::Registry& metrics,
                        Registry& registry);

}  // namespace sscsi::plugins
