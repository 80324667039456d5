#pragma once
// PEM blocks as Go's encoding/pem reads and writes them, since upstream builds every PEM file
// with pem.EncodeToMemory and splits cert/key files with pem.Decode: 64-character base64 lines,
// each ending in "\n", headers written "Proc-Type" first then sorted, text outside blocks and
// malformed blocks skipped.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret_string.h"

namespace sscsi::azure {

struct PemBlock {
  std::string type;                            // "CERTIFICATE", "PRIVATE KEY", …
  std::map<std::string, std::string> headers;  // e.g. Proc-Type, DEK-Info (never secret)
  SecretString bytes;                          // the decoded DER
};

// Appends one block ("-----BEGIN <type>-----\n" … "-----END <type>-----\n") to `out`.
void append_pem(SecretString& out, std::string_view type, std::string_view der);
void append_pem(SecretString& out, const PemBlock& block);

// Every well-formed block of `text`, in order (pem.Decode until it finds no more).
std::vector<PemBlock> decode_pem_blocks(std::string_view text);

}  // namespace sscsi::azure
