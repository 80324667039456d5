#include "convert/pem_split.h"

#include "convert/pem.h"

namespace sscsi::azure {

SplitPem split_certificates_and_keys(std::string_view pem) {
  SplitPem split{make_secret({}), make_secret({})};
  for (const PemBlock& block : decode_pem_blocks(pem)) {
    append_pem(block.type == "CERTIFICATE" ? split.certificates : split.others, block);
  }
  return split;
}

}  // namespace sscsi::azure
