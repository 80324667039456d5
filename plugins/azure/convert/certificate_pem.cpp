#include "convert/certificate_pem.h"

#include <string>

#include "convert/base64.h"
#include "convert/openssl_support.h"
#include "convert/pem.h"

namespace sscsi::azure {

SecretString certificate_to_pem(std::string_view cer_base64) {
  if (cer_base64.empty()) throw content_error("certificate value is nil");
  std::string error;
  const auto der = decode_base64(cer_base64, Base64Alphabet::StdPadded, &error);
  if (!der) throw content_error("failed to get certificate. 'cer' is not valid base64: " + error);
  SecretString pem = make_secret({});
  append_pem(pem, "CERTIFICATE", view(*der));
  return pem;
}

}  // namespace sscsi::azure
