#include "azure_host_paths.h"

#include <cstdint>
#include <limits>
#include <string>

#include "fuzz_support.h"
#include "mount/error.h"
#include "mount/path_rules.h"
#include "mount/payload.h"
#include "mount/payload_check.h"
#include "params/output_paths.h"

namespace sscsi::fuzz {

void check_objects_host_valid(std::string_view target,
                              const std::vector<azure::KeyVaultObject>& objects) {
  const std::string who(target);
  std::vector<mount::PayloadFile> files;
  for (const azure::KeyVaultObject& object : objects) {
    std::vector<std::string> paths;
    if (azure::syncs_version_history(object)) {
      for (std::int32_t i = 0; i < object.version_history; ++i) {
        paths.push_back(azure::history_file_name(object, i));
      }
    } else {
      paths.push_back(object.file_name());
    }
    for (std::string& path : paths) {
      if (auto problem = mount::path_problem(path)) {
        fuzz_fail(who + ": the plugin accepts an object path the host refuses", *problem);
      }
      if (auto problem = mount::mode_problem(object.mode)) {
        fuzz_fail(who + ": the plugin accepts a file mode the host refuses", *problem);
      }
      files.push_back({std::move(path), object.mode, {}});
    }
  }
  try {
    mount::check_payload(files, {std::numeric_limits<std::size_t>::max(),
                                 std::numeric_limits<std::uint64_t>::max()});
  } catch (const mount::Error& e) {
    fuzz_fail(who + ": objects the plugin accepts collide in the volume", e.what());
  }
}

}  // namespace sscsi::fuzz
