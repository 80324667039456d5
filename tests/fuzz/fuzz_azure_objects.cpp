// The Azure plugin's `objects` parameter alone (YAML-in-YAML: a mapping whose `array` lists YAML
// texts, one per Key Vault object), so that the mutator works on the YAML directly instead of
// through a JSON string.
//
// Input: the parameter's text. Expected: MountError. Invariant: what the plugin accepts, the
// host accepts (azure_host_paths.h).

#include <cstdint>

#include "azure_host_paths.h"
#include "common/mount_error.h"
#include "fuzz_support.h"
#include "params/objects_parameter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sscsi;
  try {
    const auto objects = azure::parse_objects_parameter(fuzz::as_text(data, size), 0644);
    fuzz::check_objects_host_valid("fuzz_azure_objects", objects);
  } catch (const azure::MountError&) {
  }
  return 0;
}
