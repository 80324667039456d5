#include "common/secret_string.h"

#include <string.h>

namespace sscsi::azure {

void wipe_memory(void* data, std::size_t size) noexcept {
  if (data != nullptr && size > 0) explicit_bzero(data, size);
}

SecretString make_secret(std::string_view text) {
  SecretString s;
  // libstdc++ keeps up to 15 chars inside the object; asking for more forces heap storage.
  s.reserve(text.size() < 32 ? 32 : text.size());
  s.assign(text.data(), text.size());
  return s;
}

}  // namespace sscsi::azure
