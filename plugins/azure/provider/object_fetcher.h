#pragma once
// Fetches every object of one mount from Key Vault and converts it into files (reference
// azure-provider.md §4, §6): version histories are listed and expanded first, then every
// (object, version) is fetched, up to `parallel` at once. All or nothing: the first failure
// stops the others and is thrown; nothing partial is returned. Results keep the order of
// `objects` (and of the versions inside a history), as upstream's answer does.

#include <cstdint>
#include <string>
#include <vector>

#include "convert/chain_order.h"
#include "convert/object_content.h"
#include "http/call_control.h"
#include "keyvault/keyvault_client.h"
#include "params/mount_request.h"

namespace sscsi::azure {

struct FetchedObject {
  std::string id;       // "<type>/<name>" or "<type>/<name>/<i>"
  std::string version;  // Key Vault version
  uint32_t mode = 0644;
  std::vector<ObjectFile> files;
};

// Throws MountError; a Key Vault or conversion failure is wrapped in upstream's
// "failed to get objectType:<t>, objectName:<n>, objectVersion:<v>: <cause>".
std::vector<FetchedObject> fetch_objects(KeyVaultClient& vault,
                                         const std::vector<KeyVaultObject>& objects,
                                         const ConvertOptions& options, uint32_t parallel,
                                         const CallControl& control, const WarningSink& warn);

}  // namespace sscsi::azure
