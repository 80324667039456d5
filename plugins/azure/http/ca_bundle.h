#pragma once
// The CA bundle handed to libcurl when the configuration adds a CA file: the system bundle and
// the extra file as one PEM blob (libcurl takes one CAINFO, so "system store plus caFile" has to
// be a single bundle).

#include <string>

#include "http/http_client_options.h"

namespace sscsi::azure {

// "" when libcurl's built-in default store applies (no ca_file, system store wanted).
// Otherwise the PEM text to trust. Throws std::invalid_argument naming the file when ca_file
// cannot be read or holds no certificate, or when neither a system store nor a ca_file is left.
std::string build_ca_bundle(const HttpClientOptions& options);

}  // namespace sscsi::azure
