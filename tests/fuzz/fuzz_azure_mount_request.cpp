// The Azure plugin's whole request parser: attributes JSON (SecretProviderClass parameters, pod
// attributes, service-account tokens, YAML-in-YAML `objects`) and nodePublishSecretRef secrets
// JSON, parsed and validated as one mount does before any network call.
//
// Input: <attributes JSON> NUL <secrets JSON>.
// Expected: MountError. Invariants: no message echoes a secret value or a service-account token
// (the parser promises never to); every accepted object writes paths the host accepts as they
// are (host/mount path rules, and no two objects colliding), since otherwise the mount would
// fail after every object was fetched, as a plugin contract violation.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "azure_host_paths.h"
#include "common/mount_error.h"
#include "fuzz_support.h"
#include "params/mount_request.h"

namespace {

using namespace sscsi;

constexpr std::uint32_t kDefaultMode = 0644;
constexpr const char* kTokensKey = "csi.storage.k8s.io/serviceAccount.tokens";

std::optional<std::string> message_of(std::string_view input) {
  const auto fields = fuzz::split_fields(input, 2);
  try {
    const azure::MountRequest request =
        azure::parse_mount_request(fields[0], fields[1], kDefaultMode);
    if (!request.objects.empty()) azure::validate_vault_name(request.keyvault_name);
    return std::nullopt;
  } catch (const azure::MountError& e) {
    return std::string(e.what());
  }
}

void collect_strings(const nlohmann::json& value, int depth, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_structured() && depth > 0) {
    for (const auto& item : value) collect_strings(item, depth - 1, out);
  }
}

// The secrets map's values, the tokens attribute as a whole, and the strings inside it.
std::vector<std::string> secrets_of(std::string_view input) {
  const auto fields = fuzz::split_fields(input, 2);
  std::vector<std::string> secrets;
  const auto secret_map = nlohmann::json::parse(fields[1], nullptr, false);
  if (secret_map.is_object()) collect_strings(secret_map, 1, secrets);
  const auto attributes = nlohmann::json::parse(fields[0], nullptr, false);
  if (attributes.is_object()) {
    const auto tokens = attributes.find(kTokensKey);
    if (tokens != attributes.end() && tokens->is_string()) {
      const std::string& text = tokens->get_ref<const std::string&>();
      secrets.push_back(text);
      collect_strings(nlohmann::json::parse(text, nullptr, false), 2, secrets);
    }
  }
  return secrets;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  const auto fields = fuzz::split_fields(input, 2);
  try {
    const azure::MountRequest request =
        azure::parse_mount_request(fields[0], fields[1], kDefaultMode);
    if (!request.objects.empty()) azure::validate_vault_name(request.keyvault_name);
    fuzz::check_objects_host_valid("fuzz_azure_mount_request", request.objects);
  } catch (const azure::MountError& e) {
    fuzz::check_secrets_not_echoed("fuzz_azure_mount_request", input, e.what(), secrets_of,
                                   message_of);
  }
  return 0;
}
