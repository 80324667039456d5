// The mock provider's request parsing: its `objects` YAML-in-YAML (unknown keys refused) and the
// other parameters (failWith, failFirst, retryAfter and latency as Go durations, shareScope).
//
// Input: <objects YAML> NUL <attributes JSON>. The YAML goes to parse_objects directly; the
// attributes, when present, to parse_mount_parameters as the plugin receives them.
// Expected: mock::MountError. Invariants: accepted objects write paths and modes the host
// accepts without collisions; no message echoes the service-account tokens attribute.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "mount/error.h"
#include "mount/path_rules.h"
#include "mount/payload_check.h"
#include "mount_error.h"
#include "mount_parameters.h"
#include "object_spec.h"
#include "parsed_objects_cache.h"

namespace {

using namespace sscsi;

constexpr const char* kTokensKey = "csi.storage.k8s.io/serviceAccount.tokens";

void check_objects(const std::vector<mock::ObjectSpec>& objects) {
  std::vector<mount::PayloadFile> files;
  for (const mock::ObjectSpec& object : objects) {
    const std::uint32_t mode = object.mode.value_or(0644);
    if (auto problem = mount::path_problem(object.output_path)) {
      fuzz::fuzz_fail("fuzz_mock_objects: an accepted output path is refused by the host",
                      *problem);
    }
    if (auto problem = mount::mode_problem(mode)) {
      fuzz::fuzz_fail("fuzz_mock_objects: an accepted filePermission is refused by the host",
                      *problem);
    }
    if (object.content.has_value() == object.content_file.has_value()) {
      fuzz::fuzz_fail("fuzz_mock_objects: an object needs exactly one of content, contentFile",
                      object.label());
    }
    files.push_back({object.output_path, mode, {}});
  }
  try {
    mount::check_payload(files, {std::numeric_limits<std::size_t>::max(),
                                 std::numeric_limits<std::uint64_t>::max()});
  } catch (const mount::Error& e) {
    fuzz::fuzz_fail("fuzz_mock_objects: accepted objects collide in the volume", e.what());
  }
}

std::optional<std::string> parameters_message(std::string_view attributes) {
  // A fresh cache each time: a cached parse would hide the error path on a rerun.
  mock::ParsedObjectsCache cache;
  try {
    (void)mock::parse_mount_parameters(std::string(attributes).c_str(), cache);
    return std::nullopt;
  } catch (const mock::MountError& e) {
    return std::string(e.what());
  }
}

std::vector<std::string> tokens_of(std::string_view attributes) {
  const auto doc = nlohmann::json::parse(attributes, nullptr, false);
  if (!doc.is_object()) return {};
  const auto tokens = doc.find(kTokensKey);
  if (tokens == doc.end() || !tokens->is_string()) return {};
  return {tokens->get<std::string>()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = fuzz::split_fields(fuzz::as_text(data, size), 2);
  try {
    check_objects(mock::parse_objects(fields[0]));
  } catch (const mock::MountError&) {
  }
  if (fields[1].empty()) return 0;
  if (const auto message = parameters_message(fields[1])) {
    fuzz::check_secrets_not_echoed("fuzz_mock_objects", fields[1], *message, tokens_of,
                                   parameters_message);
  }
  return 0;
}
