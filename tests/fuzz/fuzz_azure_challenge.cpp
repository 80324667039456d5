// Key Vault's WWW-Authenticate challenge (a vault, or anything answering in its name, controls
// it) and the check that keeps a token from being requested for a resource the vault is not
// under.
//
// Input: <WWW-Authenticate value> NUL <vault URL> (empty: https://kv.vault.azure.net/).
// Expected: parse_bearer_challenge never throws; verify_challenge_scope throws MountError.
// Invariant: a verified scope's resource host is a proper parent domain of the vault's host.

#include <cstdint>
#include <string>

#include "common/mount_error.h"
#include "fuzz_support.h"
#include "http/url.h"
#include "identity/challenge.h"

namespace {

using namespace sscsi;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void check_verified(std::string_view vault_url, std::string_view scope) {
  const auto vault = azure::parse_url(vault_url);
  const auto resource = azure::parse_url(scope);
  if (!vault || !resource || resource->host.empty() ||
      !ends_with(vault->host, "." + resource->host)) {
    fuzz::fuzz_fail("fuzz_azure_challenge: a scope outside the vault's domain was accepted",
                    "vault: " + std::string(vault_url) + "\nscope: " + std::string(scope));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = fuzz::split_fields(fuzz::as_text(data, size), 2);
  const std::string_view vault_url =
      fields[1].empty() ? std::string_view("https://kv.vault.azure.net/") : fields[1];
  const auto challenge = azure::parse_bearer_challenge(fields[0]);
  if (!challenge) return 0;
  const std::string scope = azure::challenge_scope(*challenge);
  (void)azure::resource_from_scope(scope);
  (void)azure::scope_from_resource(challenge->resource);
  if (scope.empty()) return 0;
  try {
    azure::verify_challenge_scope(vault_url, scope);
    check_verified(vault_url, scope);
  } catch (const azure::MountError&) {
  }
  return 0;
}
