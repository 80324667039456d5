#include <string>

#include "common/mount_error.h"
#include "params/go_strings.h"
#include "params/mount_request.h"

namespace sscsi::azure {

void validate_vault_name(std::string_view name) {
  // Upstream's rule (looser than Key Vault's own: no start-letter or double-hyphen checks).
  const std::string prefix = "failed to get vault: Invalid vault name: " + go_quote(name);
  if (name.size() < 3 || name.size() > 24) {
    throw invalid_parameters(prefix + ", must be between 3 and 24 chars");
  }
  for (const char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) throw invalid_parameters(prefix + ", must match [-a-zA-Z0-9]{3,24}");
  }
}

}  // namespace sscsi::azure
