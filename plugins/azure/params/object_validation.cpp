#include "params/object_validation.h"

#include "common/mount_error.h"
#include "params/file_name_rules.h"
#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

void validate_format(std::string_view format, std::string_view type) {
  if (format.empty()) return;
  if (!go_equal_fold(format, "pem") && !go_equal_fold(format, "pfx")) {
    throw invalid_parameters("invalid objectFormat: " + std::string(format) +
                             ", should be PEM or PFX");
  }
  // Upstream compares the lowercase spelling only: "PFX" with a cert passes (and is ignored).
  if (format == "pfx" && type != "secret") {
    throw invalid_parameters("PFX format only supported for objectType: secret");
  }
}

void validate_encoding(std::string_view encoding, std::string_view type) {
  if (encoding.empty()) return;
  if (type != "secret") {
    throw invalid_parameters("objectEncoding only supported for objectType: secret");
  }
  if (!go_equal_fold(encoding, "hex") && !go_equal_fold(encoding, "base64") &&
      !go_equal_fold(encoding, "utf-8")) {
    throw invalid_parameters("invalid objectEncoding: " + std::string(encoding) +
                             ", should be hex, base64 or utf-8");
  }
}

}  // namespace

void validate_like_upstream(const ObjectFields& fields) {
  validate_format(fields.format, fields.type);
  validate_encoding(fields.encoding, fields.type);
  validate_file_name(fields.file_name());
}

ObjectType parse_object_type(std::string_view type) {
  if (type == "secret") return ObjectType::Secret;
  if (type == "key") return ObjectType::Key;
  if (type == "cert") return ObjectType::Cert;
  throw invalid_parameters("Invalid vaultObjectTypes. Should be secret, key, or cert");
}

std::string object_error_prefix(const ObjectFields& fields) {
  return "failed to get objectType:" + fields.type + ", objectName:" + fields.name +
         ", objectVersion:" + fields.version + ": ";
}

}  // namespace sscsi::azure
