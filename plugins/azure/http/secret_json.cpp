#include "http/secret_json.h"

#include <string>

namespace sscsi::azure {

SecretJsonParse parse_secret_json(std::string_view text) {
  SecretJsonParse result;
  try {
    result.value = SecretJson::parse(text.begin(), text.end());
  } catch (const SecretJson::parse_error& error) {
    result.error_byte = error.byte;
    result.error = "parse error at byte " + std::to_string(error.byte);
  } catch (const SecretJson::exception&) {
    // out_of_range 406, a number beyond a double's range: the only other error parse() has.
    result.error = "a number is out of range";
  }
  return result;
}

const SecretString* json_string(const SecretJson& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(SecretString(name.data(), name.size()));
  if (found == object.end() || !found->is_string()) return nullptr;
  return found->get_ptr<const SecretString*>();
}

}  // namespace sscsi::azure
