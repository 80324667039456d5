#include "keyvault/version_selection.h"

#include <algorithm>

namespace sscsi::azure {

std::vector<std::string> select_versions(std::vector<VersionEntry> entries,
                                         std::string_view start_version, int32_t history) {
  std::vector<std::string> selected;
  if (history <= 0) return selected;
  entries.erase(
      std::remove_if(entries.begin(), entries.end(),
                     [](const VersionEntry& e) { return !e.has_attributes || !e.enabled; }),
      entries.end());
  // Stable, so equal creation times keep the service's order (upstream's sort leaves ties
  // arbitrary).
  std::stable_sort(
      entries.begin(), entries.end(),
      [](const VersionEntry& a, const VersionEntry& b) { return a.created > b.created; });
  bool started = start_version.empty() || start_version == "latest";
  for (const VersionEntry& entry : entries) {
    started = started || entry.version == start_version;
    if (!started) continue;
    selected.push_back(entry.version);
    if (selected.size() >= static_cast<std::size_t>(history)) break;
  }
  return selected;
}

}  // namespace sscsi::azure
