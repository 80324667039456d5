#pragma once
// A SecretProviderClass as the API server returns it (JSON), checked field by field.
//
// Types are strict: spec.parameters values must be strings, secretObjects fields must have their
// CRD types. The runtime rules for secretObjects (non-empty secretName, type, data) are NOT
// checked here but when a Secret is synced (kube/sync/secret_builder.h), so that a class with a
// bad secretObject still mounts, as upstream.

#include <nlohmann/json.hpp>
#include <string>

#include "kube/spc_source.h"

namespace sscsi::kube {

inline constexpr const char* kSpcApiVersionV1 = "secrets-store.csi.x-k8s.io/v1";
inline constexpr const char* kSpcApiVersionV1Alpha1 = "secrets-store.csi.x-k8s.io/v1alpha1";

// The class, or SpcLookupError{Invalid, message}. Messages name the class ("SecretProviderClass
// ns/name: ...") and the field path; before the name is known they name `source` instead.
// `source` is also stored in SecretProviderClass::source.
SpcLookup parse_secret_provider_class(const nlohmann::json& object, std::string source);

}  // namespace sscsi::kube
