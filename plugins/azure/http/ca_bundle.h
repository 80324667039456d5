#pragma once
// The configuration's extra CA file (caFile), read and checked before anything trusts it. The
// system bundle and this file end up in one trust store (trust_store.h).

#include <string>

#include "http/http_client_options.h"

namespace sscsi::azure {

// "" when no ca_file is configured (the system store alone). Otherwise the file's PEM text.
// Throws std::invalid_argument naming the file when ca_file cannot be read or holds no
// certificate, or when neither a system store nor a ca_file is left.
std::string read_ca_file(const HttpClientOptions& options);

}  // namespace sscsi::azure
