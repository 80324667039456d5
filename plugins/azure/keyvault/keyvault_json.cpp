#include "keyvault/keyvault_json.h"

#include <cstdint>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "http/secret_json.h"
#include "keyvault/keyvault_paths.h"

namespace sscsi::azure {
namespace {

SecretJson parse_object(const SecretString& body, std::string_view kind) {
  auto parsed = parse_secret_json(view(body));
  if (!parsed.value) {
    throw MountError(SSCSI_UNAVAILABLE,
                     fmt::format("the {} answer is not JSON ({})", kind, parsed.error));
  }
  if (!parsed.value->is_object()) {
    throw MountError(SSCSI_UNAVAILABLE, fmt::format("the {} answer is not a JSON object", kind));
  }
  return std::move(*parsed.value);
}

std::string plain(const SecretString* text) {
  return text == nullptr ? std::string() : std::string(view(*text));
}

const SecretJson* member(const SecretJson& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(SecretString(name.data(), name.size()));
  return found == object.end() ? nullptr : &*found;
}

MountError nil(std::string_view what) { return MountError(SSCSI_UNAVAILABLE, std::string(what)); }

// attributes.created: Unix seconds, which the Go SDK reads into an int64 and refuses the whole
// answer when it cannot. A float is truncated; one outside the int64 range (and an unsigned
// integer above INT64_MAX) is refused the same way, never cast.
int64_t unix_seconds(const SecretJson& number, ObjectType type) {
  const auto refuse = [&] {
    return MountError(SSCSI_UNAVAILABLE,
                      fmt::format("the {} versions answer has an attributes.created that is not a "
                                  "Unix time in seconds",
                                  kind_of(type)));
  };
  if (number.is_number_unsigned()) {
    const auto value = number.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(INT64_MAX)) throw refuse();
    return static_cast<int64_t>(value);
  }
  if (number.is_number_integer()) return number.get<int64_t>();
  // -2^63 and 2^63 are exact doubles: every double in [-2^63, 2^63) truncates into an int64.
  constexpr double kLimit = 9223372036854775808.0;
  const double value = number.get<double>();
  if (!(value >= -kLimit && value < kLimit)) throw refuse();  // NaN fails both
  return static_cast<int64_t>(value);
}

}  // namespace

SecretBundle parse_secret_bundle(const SecretString& body) {
  const SecretJson answer = parse_object(body, "secret");
  const SecretString* value = json_string(answer, "value");
  if (value == nullptr) throw nil("secret value is nil");
  const SecretString* id = json_string(answer, "id");
  if (id == nullptr) throw nil("secret id is nil");
  SecretBundle bundle;
  bundle.value = make_secret(view(*value));
  bundle.version = version_from_id(view(*id));
  bundle.content_type = plain(json_string(answer, "contentType"));
  bundle.kid = plain(json_string(answer, "kid"));
  return bundle;
}

KeyBundle parse_key_bundle(const SecretString& body) {
  const SecretJson answer = parse_object(body, "key");
  const SecretJson* key = member(answer, "key");
  if (key == nullptr || !key->is_object()) throw nil("key value is nil");
  const SecretString* kid = json_string(*key, "kid");
  if (kid == nullptr) throw nil("key id is nil");
  KeyBundle bundle;
  bundle.version = version_from_id(view(*kid));
  bundle.key.kty = plain(json_string(*key, "kty"));
  bundle.key.n = plain(json_string(*key, "n"));
  bundle.key.e = plain(json_string(*key, "e"));
  bundle.key.crv = plain(json_string(*key, "crv"));
  bundle.key.x = plain(json_string(*key, "x"));
  bundle.key.y = plain(json_string(*key, "y"));
  return bundle;
}

CertificateBundle parse_certificate_bundle(const SecretString& body) {
  const SecretJson answer = parse_object(body, "certificate");
  const SecretString* cer = json_string(answer, "cer");
  if (cer == nullptr) throw nil("certificate value is nil");
  const SecretString* id = json_string(answer, "id");
  if (id == nullptr) throw nil("certificate id is nil");
  CertificateBundle bundle;
  bundle.cer = plain(cer);
  bundle.version = version_from_id(view(*id));
  return bundle;
}

VersionPage parse_version_page(const SecretString& body, ObjectType type) {
  const SecretJson answer = parse_object(body, fmt::format("{} versions", kind_of(type)));
  VersionPage page;
  const SecretJson* values = member(answer, "value");
  if (values != nullptr && !values->is_null() && !values->is_array()) {
    throw MountError(
        SSCSI_UNAVAILABLE,
        fmt::format("the {} versions answer has a \"value\" that is not a list", kind_of(type)));
  }
  if (values != nullptr && values->is_array()) {
    const std::string_view id_field = type == ObjectType::Key ? "kid" : "id";
    for (const SecretJson& item : *values) {
      const SecretString* id = json_string(item, id_field);
      if (id == nullptr) continue;  // nothing to fetch it by
      VersionEntry entry;
      entry.version = version_from_id(view(*id));
      const SecretJson* attributes = member(item, "attributes");
      entry.has_attributes = attributes != nullptr && attributes->is_object();
      if (entry.has_attributes) {
        if (const SecretJson* enabled = member(*attributes, "enabled");
            enabled != nullptr && enabled->is_boolean()) {
          entry.enabled = enabled->get<bool>();
        }
        if (const SecretJson* created = member(*attributes, "created");
            created != nullptr && created->is_number()) {
          entry.created = unix_seconds(*created, type);
        }
      }
      page.entries.push_back(std::move(entry));
    }
  }
  if (const SecretString* next = json_string(answer, "nextLink");
      next != nullptr && !next->empty()) {
    page.next_link = std::string(view(*next));
  }
  return page;
}

}  // namespace sscsi::azure
