#pragma once
// --write-cert-and-key-in-separate-files (reference azure-provider.md §4.5): a certificate-backed
// secret's PEM content divided into its CERTIFICATE blocks and everything else (keys).

#include <string_view>

#include "common/secret_string.h"

namespace sscsi::azure {

struct SplitPem {
  SecretString certificates;  // every CERTIFICATE block, in input order, re-encoded
  SecretString others;        // every other block (keys), in input order, re-encoded
};

// Text outside blocks and malformed blocks are dropped, as Go's pem.Decode does.
SplitPem split_certificates_and_keys(std::string_view pem);

}  // namespace sscsi::azure
