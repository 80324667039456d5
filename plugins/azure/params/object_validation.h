#pragma once
// Checks on one object's fields (reference azure-provider.md §2), as causes without the
// per-object prefix; objects_parameter wraps them.

#include <string>
#include <string_view>

#include "params/mount_request.h"
#include "params/objects_yaml.h"

namespace sscsi::azure {

// Upstream's validate(), same order and causes: objectFormat ("invalid objectFormat: <v>,
// should be PEM or PFX", "PFX format only supported for objectType: secret"), objectEncoding
// ("objectEncoding only supported for objectType: secret", "invalid objectEncoding: <v>,
// should be hex, base64 or utf-8"), then the file name. Throws MountError.
void validate_like_upstream(const ObjectFields& fields);

// objectType must be exactly secret, key or cert. Upstream only notices a bad type when it
// reaches the object during the fetch (after fetching the objects before it); here it is refused
// up front with upstream's text "Invalid vaultObjectTypes. Should be secret, key, or cert".
ObjectType parse_object_type(std::string_view type);

// "failed to get objectType:<t>, objectName:<n>, objectVersion:<v>: " — upstream's wrapper.
std::string object_error_prefix(const ObjectFields& fields);

}  // namespace sscsi::azure
