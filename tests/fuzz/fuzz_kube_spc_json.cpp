// A SecretProviderClass as the API server answers it (GET .../secretproviderclasses/<name>),
// read the way kube/spc_api_source.cpp reads it: nlohmann parse without exceptions, then the
// field-by-field checks of kube/objects/spc_json.h.
//
// Input: the response body. Expected: parse_secret_provider_class never throws (it answers
// SpcLookupError). Invariants: an accepted class has a name, a namespace and the given source.

#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "kube/objects/spc_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sscsi;
  const auto object = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
  if (object.is_discarded()) return 0;
  const kube::SpcLookup lookup = kube::parse_secret_provider_class(object, "fuzz");
  if (const auto* spc = std::get_if<kube::SecretProviderClass>(&lookup)) {
    if (spc->name.empty() || spc->namespace_name.empty() || spc->source != "fuzz") {
      fuzz::fuzz_fail("fuzz_kube_spc_json: an accepted class lacks its name, namespace or source",
                      object.dump());
    }
  } else if (std::get<kube::SpcLookupError>(lookup).kind != kube::SpcLookupError::Kind::Invalid) {
    fuzz::fuzz_fail("fuzz_kube_spc_json: a parse failure is not reported as Invalid", "");
  }
  return 0;
}
