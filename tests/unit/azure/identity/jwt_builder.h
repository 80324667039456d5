#pragma once
// Unsigned service-account-style JWTs for tests: header.payload.signature with a base64url JSON
// payload. Only the claims matter to the code under test.

#include <string>

namespace sscsi::azure::testing {

inline std::string base64url(const std::string& data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const unsigned char c : data) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

inline std::string jwt_with_payload(const std::string& payload_json) {
  return base64url(R"({"alg":"RS256","kid":"k"})") + "." + base64url(payload_json) + ".c2ln";
}

inline std::string service_account_jwt(const std::string& ns, const std::string& name) {
  return jwt_with_payload(R"({"aud":["api://AzureADTokenExchange"],"sub":"system:serviceaccount:)" +
                          ns + ":" + name + R"("})");
}

}  // namespace sscsi::azure::testing
