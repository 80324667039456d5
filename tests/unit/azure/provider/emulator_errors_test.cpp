// Bad answers from Azure, driven through the plugin's C ABI against the Azure emulator over real
// HTTPS: Key Vault answers that are malformed, missing or refused, conversion failures, TLS that
// cannot be trusted, token endpoints (Entra ID, IMDS, NMI) that refuse, and challenges that name
// the wrong resource. Each case asserts the exact status code and the whole message (a regular
// expression only where the emulator puts random trace ids or timestamps into its text), that
// no file or version was handed over, and that no secret reached the message or a log line.
//
// One emulator serves the whole binary (reset before each case); each case makes its own plugin
// instance, so no token or challenge learned by one case helps another.

#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "azure_emulator.h"
#include "azure_plugin_harness.h"
#include "shared_emulator.h"
#include "unsigned_jwt.h"

namespace sscsi::azure_test {
namespace {

using testing_support::AzureEmulator;
using testing_support::CertificateFormat;
using testing_support::CertificateOptions;
using testing_support::FaultSpec;
using testing_support::JwtClaims;
using testing_support::unsigned_jwt;

constexpr const char* kVault = "kv-emu";
constexpr const char* kVaultHost = "kv-emu.vault.azure.net";
constexpr const char* kTenant = "tenant-emu";
constexpr const char* kClient = "sp-client";
constexpr const char* kClientSecret = "sp-secret-value-7f3a";
constexpr const char* kSecretValue = "planted-secret-value-91c2";
constexpr const char* kWorkloadClient = "wi-client";
constexpr const char* kSubject = "system:serviceaccount:team-a:app";

AzureEmulator& emulator() { return shared_emulator(); }

// What a case's expectations may refer to.
struct Env {
  AzureEmulator& azure;
  std::string sp_object_id;
};

// The whole message as a regular expression: literal text, with `{uuid}`, `{stamp}` and
// `{n}` and `{any}` standing for random trace ids, timestamps, counters and text that change from
// run to run.
std::string pattern(const std::string& text) {
  static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t brace = text.find('{', at);
    const std::string literal = text.substr(at, brace == std::string::npos ? brace : brace - at);
    out += std::regex_replace(literal, special, R"(\$&)");
    if (brace == std::string::npos) break;
    const std::size_t close = text.find('}', brace);
    const std::string token = text.substr(brace, close - brace + 1);
    if (token == "{uuid}") {
      out += "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    } else if (token == "{stamp}") {
      out += R"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}Z)";
    } else if (token == "{n}") {
      out += "[0-9]+";
    } else if (token == "{any}") {
      out += ".+";
    } else {
      out += std::regex_replace(token, special, R"(\$&)");
    }
    at = close + 1;
  }
  return out;
}

const std::string kEntraTrace = " Trace ID: {uuid} Correlation ID: {uuid} Timestamp: {stamp}";

std::string prefix(const std::string& type = "secret", const std::string& name = "s1",
                   const std::string& version = "") {
  return fmt::format("failed to get objectType:{}, objectName:{}, objectVersion:{}: ", type, name,
                     version);
}

std::string token_url() {
  return fmt::format("https://login.microsoftonline.com/{}/oauth2/v2.0/token", kTenant);
}

std::string sp_token(const std::string& client = kClient) {
  return fmt::format("service principal token for client {} from {}", client, token_url());
}

MountInput sp_input(const std::string& object = "objectName: s1\nobjectType: secret") {
  MountInput input;
  input.attributes = pod_attributes();
  input.attributes["keyvaultName"] = kVault;
  input.attributes["tenantID"] = kTenant;
  input.attributes["objects"] = objects_yaml({object});
  input.secrets_json =
      nlohmann::json{{"clientid", kClient}, {"clientsecret", kClientSecret}}.dump();
  return input;
}

MountInput mode_input(const std::map<std::string, std::string>& attributes,
                      const std::string& object = "objectName: s1\nobjectType: secret") {
  MountInput input = sp_input(object);
  input.secrets_json = "{}";
  for (const auto& [key, value] : attributes) input.attributes[key] = value;
  return input;
}

MountInput workload_input(const JwtClaims& claims) {
  return mode_input(
      {{"clientID", kWorkloadClient},
       {"csi.storage.k8s.io/serviceAccount.tokens",
        service_account_tokens(AzureEmulator::kWorkloadAudience, unsigned_jwt(claims))}});
}

// A fault answering every matching request with `status` and `body`.
FaultSpec answer_body(const std::string& kind, int status, const std::string& body) {
  FaultSpec fault;
  fault.kind = kind;
  fault.status = status;
  fault.body = body;
  fault.count = -1;
  return fault;
}

std::string secret_id(const std::string& name = "s1") {
  return fmt::format("https://{}/secrets/{}/0123456789abcdef0123456789abcdef", kVaultHost, name);
}

std::string key_id(const std::string& name = "k1") {
  return fmt::format("https://{}/keys/{}/0123456789abcdef0123456789abcdef", kVaultHost, name);
}

// A PFX (base64) protected by the password "pw": Key Vault's are always empty-password.
std::string password_protected_pfx_base64() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("pw.example"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_sign(cert, key, EVP_sha256());
  PKCS12* p12 = PKCS12_create("pw", "pw", key, cert, nullptr, 0, 0, 0, 0, 0);
  unsigned char* der = nullptr;
  const int length = p12 == nullptr ? -1 : i2d_PKCS12(p12, &der);
  std::string base64;
  if (length > 0) {
    base64.resize(4 * ((static_cast<std::size_t>(length) + 2) / 3) + 1);
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), der, length);
    base64.resize(static_cast<std::size_t>(written));
  }
  OPENSSL_free(der);
  PKCS12_free(p12);
  X509_free(cert);
  EVP_PKEY_free(key);
  if (base64.empty()) throw std::runtime_error("could not make a password-protected PFX");
  return base64;
}

struct BadAnswer {
  std::string name;
  std::function<void(Env&)> setup;
  std::function<MountInput(Env&)> input;
  sscsi_status code;
  std::function<std::string(const Env&)> message;  // see pattern()
  std::function<void(nlohmann::json&)> configure = [](nlohmann::json&) {};
  std::uint32_t retry_after_ms = 0;
};

void PrintTo(const BadAnswer& bad, std::ostream* out) { *out << bad.name; }

std::function<MountInput(Env&)> secret_object(const std::string& object) {
  return [object](Env&) { return sp_input(object); };
}

std::function<std::string(const Env&)> text(std::string message) {
  return [message = std::move(message)](const Env&) { return message; };
}

const std::vector<BadAnswer>& cases() {
  static const std::vector<BadAnswer> all = {
      // -- Key Vault says no -------------------------------------------------------------
      {"MissingSecret", [](Env&) {}, secret_object("objectName: s1\nobjectType: secret"),
       SSCSI_NOT_FOUND,
       text(prefix() + "secret s1 (latest version) not found in vault kv-emu.vault.azure.net: "
                       "SecretNotFound: A secret with (name/id) s1 was not found in this key "
                       "vault. If you recently deleted this secret you may be able to recover it "
                       "using the correct recovery command. For help resolving this issue, please "
                       "see https://go.microsoft.com/fwlink/?linkid=2125182")},
      {"MissingSecretVersion",
       [](Env& env) { env.azure.create_secret(kVault, "s1", kSecretValue); },
       secret_object(
           "objectName: s1\nobjectType: secret\nobjectVersion: 00000000000000000000000000000000"),
       SSCSI_NOT_FOUND,
       text(prefix("secret", "s1", "00000000000000000000000000000000") +
            "secret s1 (version 00000000000000000000000000000000) not found in vault "
            "kv-emu.vault.azure.net: SecretNotFound: A secret with (name/id) "
            "s1/00000000000000000000000000000000 was not found in this key vault. If you recently "
            "deleted this secret you may be able to recover it using the correct recovery "
            "command. For help resolving this issue, please see "
            "https://go.microsoft.com/fwlink/?linkid=2125182")},
      {"MissingKey", [](Env&) {}, secret_object("objectName: k1\nobjectType: key"), SSCSI_NOT_FOUND,
       text(prefix("key", "k1") +
            "key k1 (latest version) not found in vault kv-emu.vault.azure.net: KeyNotFound: A key "
            "with (name/id) k1 was not found in this key vault. If you recently deleted this key "
            "you may be able to recover it using the correct recovery command. For help resolving "
            "this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182")},
      {"MissingCertificate", [](Env&) {}, secret_object("objectName: c1\nobjectType: cert"),
       SSCSI_NOT_FOUND,
       text(prefix("cert", "c1") +
            "certificate c1 (latest version) not found in vault kv-emu.vault.azure.net: "
            "CertificateNotFound: A certificate with (name/id) c1 was not found in this key vault. "
            "If you recently deleted this certificate you may be able to recover it using the "
            "correct recovery command. For help resolving this issue, please see "
            "https://go.microsoft.com/fwlink/?linkid=2125182")},
      {"MissingVersionList", [](Env&) {},
       secret_object("objectName: s1\nobjectType: secret\nobjectVersionHistory: 3"),
       SSCSI_NOT_FOUND,
       text(prefix() + "versions of secret s1 not found in vault kv-emu.vault.azure.net: "
                       "SecretNotFound: A secret with (name/id) s1 was not found in this key "
                       "vault. If you recently deleted this secret you may be able to recover it "
                       "using the correct recovery command. For help resolving this issue, please "
                       "see https://go.microsoft.com/fwlink/?linkid=2125182")},
      {"DisabledSecret",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", kSecretValue, {{"enabled", false}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAUTHORIZED,
       text(prefix() + "access to secret s1 (latest version) in vault kv-emu.vault.azure.net was "
                       "refused (HTTP 403): Forbidden: Operation get is not allowed on a disabled "
                       "secret.")},
      {"VaultNotGranted", [](Env& env) { env.azure.create_secret("kv-other", "s1", kSecretValue); },
       [](Env&) {
         MountInput input = sp_input();
         input.attributes["keyvaultName"] = "kv-other";
         return input;
       },
       SSCSI_UNAUTHORIZED,
       [](const Env& env) {
         return prefix() +
                "access to secret s1 (latest version) in vault "
                "kv-other.vault.azure.net was refused (HTTP 403): Forbidden: The user, "
                "group or application 'appid=sp-client;oid=" +
                env.sp_object_id +
                ";iss=https://sts.windows.net/tenant-emu/' does not have secrets get permission "
                "on key vault 'kv-other;location=emulator'. For help resolving this issue, please "
                "see https://go.microsoft.com/fwlink/?linkid=2125287";
       }},
      {"VaultOfAnotherTenant",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", kSecretValue);
         env.azure.configure_vault(kVault, {{"tenant", "other-tenant"}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAUTHORIZED,
       text(prefix() + "access to secret s1 (latest version) in vault kv-emu.vault.azure.net was "
                       "refused (HTTP 401): Unauthorized: AKV10032: Invalid issuer. Expected one "
                       "of https://sts.windows.net/other-tenant/, found: "
                       "https://sts.windows.net/tenant-emu/.")},
      {"InvalidObjectName", [](Env&) {}, secret_object("objectName: bad_name\nobjectType: secret"),
       SSCSI_INVALID_PARAMETERS,
       text(prefix("secret", "bad_name") +
            "vault kv-emu.vault.azure.net refused the request for secret bad_name (latest "
            "version) (HTTP 400): BadParameter: The request URI contains an invalid name: "
            "bad_name")},
      // -- Key Vault answers that are malformed ----------------------------------------------
      {"SecretAnswerNotJson",
       [](Env& env) { env.azure.add_fault(answer_body("kv-get", 200, "not json")); },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "the secret answer is not JSON (parse error at byte 2)")},
      {"SecretAnswerIsAList",
       [](Env& env) { env.azure.add_fault(answer_body("kv-get", 200, "[]")); },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "the secret answer is not a JSON object")},
      {"SecretWithoutValue",
       [](Env& env) {
         env.azure.add_fault(
             answer_body("kv-get", 200, nlohmann::json{{"id", secret_id()}}.dump()));
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "secret value is nil")},
      {"SecretWithoutId",
       [](Env& env) {
         env.azure.add_fault(
             answer_body("kv-get", 200, nlohmann::json{{"value", kSecretValue}}.dump()));
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "secret id is nil")},
      {"KeyAnswerWithoutKey",
       [](Env& env) {
         env.azure.add_fault(answer_body("kv-get", 200, R"({"attributes":{"enabled":true}})"));
       },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_UNAVAILABLE,
       text(prefix("key", "k1") + "key value is nil")},
      {"KeyAnswerWithoutKid",
       [](Env& env) {
         env.azure.add_fault(
             answer_body("kv-get", 200, R"({"key":{"kty":"RSA","n":"AQAB","e":"AQAB"}})"));
       },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_UNAVAILABLE,
       text(prefix("key", "k1") + "key id is nil")},
      {"CertificateWithoutCer",
       [](Env& env) {
         env.azure.add_fault(answer_body(
             "kv-get", 200,
             nlohmann::json{{"id", "https://kv-emu.vault.azure.net/certificates/c1/v1"}}.dump()));
       },
       secret_object("objectName: c1\nobjectType: cert"), SSCSI_UNAVAILABLE,
       text(prefix("cert", "c1") + "certificate value is nil")},
      {"CertificateWithoutId",
       [](Env& env) { env.azure.add_fault(answer_body("kv-get", 200, R"({"cer":"dGVzdA=="})")); },
       secret_object("objectName: c1\nobjectType: cert"), SSCSI_UNAVAILABLE,
       text(prefix("cert", "c1") + "certificate id is nil")},
      {"CertificateCerNotBase64",
       [](Env& env) {
         env.azure.add_fault(answer_body(
             "kv-get", 200,
             R"({"cer":"dGVz*A==","id":"https://kv-emu.vault.azure.net/certificates/c1/v1"})"));
       },
       secret_object("objectName: c1\nobjectType: cert"), SSCSI_INVALID_PARAMETERS,
       text(prefix("cert", "c1") +
            "failed to get certificate. 'cer' is not valid base64: illegal base64 data at input "
            "byte 4")},
      {"KeyTypeOct", [](Env& env) { env.azure.create_key(kVault, "k1", "oct"); },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_INVALID_PARAMETERS,
       text(prefix("key", "k1") + "failed to get key. key type 'oct' currently not supported")},
      {"KeyCurveP256K",
       [](Env& env) {
         env.azure.create_key(kVault, "k1", "EC", {{"crv", "P-256K"}});
       },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_INVALID_PARAMETERS,
       text(prefix("key", "k1") + "curve P-256K is not supported")},
      {"KeyModulusNotBase64url",
       [](Env& env) {
         env.azure.add_fault(answer_body(
             "kv-get", 200,
             nlohmann::json{
                 {"key", {{"kid", key_id()}, {"kty", "RSA"}, {"n", "a+b/"}, {"e", "AQAB"}}}}
                 .dump()));
       },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_INVALID_PARAMETERS,
       text(prefix("key", "k1") +
            "failed to get key. field 'n' is not valid base64url: illegal base64 data at input "
            "byte 1")},
      {"KeyRsaWithoutExponent",
       [](Env& env) {
         env.azure.add_fault(answer_body(
             "kv-get", 200,
             nlohmann::json{{"key", {{"kid", key_id()}, {"kty", "RSA"}, {"n", "AQAB"}}}}.dump()));
       },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_INVALID_PARAMETERS,
       text(prefix("key", "k1") + "failed to get key. RSA key has no 'e' field")},
      {"KeyEcPointOffTheCurve",
       [](Env& env) {
         const std::string one = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE";  // 32 bytes: 1
         env.azure.add_fault(answer_body(
             "kv-get", 200,
             nlohmann::json{
                 {"key",
                  {{"kid", key_id()}, {"kty", "EC"}, {"crv", "P-256"}, {"x", one}, {"y", one}}}}
                 .dump()));
       },
       secret_object("objectName: k1\nobjectType: key"), SSCSI_INVALID_PARAMETERS,
       text(prefix("key", "k1") +
            "failed to get key. EC public key (x, y) is not a point on curve P-256")},
      {"SecretOfUnknownContentType",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", kSecretValue,
                                 {{"contentType", "application/json"}, {"kid", key_id("s1")}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_INVALID_PARAMETERS,
       text(prefix() + "failed to get certificate. unknown content type 'application/json'")},
      {"PfxGarbage",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", "aW52YWxpZA==",
                                 {{"contentType", "application/x-pkcs12"}, {"kid", key_id("s1")}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_INVALID_PARAMETERS,
       text(prefix() +
            "failed to decode PKCS12 data, error: the secret value is not a PKCS#12 (PFX) file")},
      {"PfxWithAPassword",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", password_protected_pfx_base64(),
                                 {{"contentType", "application/x-pkcs12"}, {"kid", key_id("s1")}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_INVALID_PARAMETERS,
       text(prefix() + "failed to decode PKCS12 data, error: pkcs12: decryption password "
                       "incorrect (Key Vault PFX secrets have an empty password)")},
      {"PfxNotBase64",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", "not base64!",
                                 {{"contentType", "application/x-pkcs12"}, {"kid", key_id("s1")}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_INVALID_PARAMETERS,
       text(prefix() + "failed to decode PKCS12 data, error: illegal base64 data at input byte 3")},
      {"HexSecretWithBadDigit", [](Env& env) { env.azure.create_secret(kVault, "s1", "zz"); },
       secret_object("objectName: s1\nobjectType: secret\nobjectEncoding: hex"),
       SSCSI_INVALID_PARAMETERS,
       text(prefix() + "failed to decode the secret with objectEncoding hex: invalid hex digit "
                       "at input byte 0")},
      {"HexSecretOfOddLength", [](Env& env) { env.azure.create_secret(kVault, "s1", "abc"); },
       secret_object("objectName: s1\nobjectType: secret\nobjectEncoding: HEX"),
       SSCSI_INVALID_PARAMETERS,
       text(prefix() + "failed to decode the secret with objectEncoding hex: odd number of hex "
                       "digits (3)")},
      {"Base64SecretThatIsNot",
       [](Env& env) { env.azure.create_secret(kVault, "s1", "not base64!"); },
       secret_object("objectName: s1\nobjectType: secret\nobjectEncoding: base64"),
       SSCSI_INVALID_PARAMETERS,
       text(prefix() + "failed to decode the secret with objectEncoding base64: illegal base64 "
                       "data at input byte 3")},
      {"VersionListValueNotAList",
       [](Env& env) { env.azure.add_fault(answer_body("kv-list", 200, R"({"value":5})")); },
       secret_object("objectName: s1\nobjectType: secret\nobjectVersionHistory: 2"),
       SSCSI_UNAVAILABLE,
       text(prefix() + "the secret versions answer has a \"value\" that is not a list")},
      {"VersionListNextLinkToAnotherHost",
       [](Env& env) {
         env.azure.add_fault(answer_body(
             "kv-list", 200,
             R"({"value":[],"nextLink":)"
             R"("https://evil.example/secrets/s1/versions?api-version=7.4&$skiptoken=x"})"));
       },
       secret_object("objectName: s1\nobjectType: secret\nobjectVersionHistory: 2"),
       SSCSI_UNAVAILABLE,
       text(prefix() + "versions of secret s1 in vault kv-emu.vault.azure.net: nextLink points to "
                       "https://evil.example:443, not to the vault "
                       "https://kv-emu.vault.azure.net:443; the bearer token is not sent there")},
      // -- the connection ----------------------------------------------------------------
      {"TruncatedAnswer",
       [](Env& env) {
         env.azure.create_secret(kVault, "s1", kSecretValue);
         FaultSpec fault = FaultSpec::truncate("/secrets/s1", 10, -1);
         fault.kind = "kv-get";
         env.azure.add_fault(fault);
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "could not reach vault kv-emu.vault.azure.net for secret s1 (latest "
                       "version): Transferred a partial file: transfer closed with {n} bytes "
                       "remaining to read")},
      {"ConnectionReset",
       [](Env& env) {
         FaultSpec fault = FaultSpec::connection_reset("/secrets/s1", -1);
         fault.kind = "kv-get";
         env.azure.add_fault(fault);
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "could not reach vault kv-emu.vault.azure.net for secret s1 (latest "
                       "version): Failure when receiving data from the peer: Recv failure: "
                       "Connection reset by peer")},
      {"UntrustedServerCertificate",
       [](Env& env) { env.azure.create_secret(kVault, "s1", kSecretValue); },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "could not reach vault kv-emu.vault.azure.net for secret s1 (latest "
                       "version): SSL peer certificate or SSH remote key was not OK: SSL "
                       "certificate problem: unable to get local issuer certificate"),
       [](nlohmann::json& config) { config.erase("caFile"); }},
      {"ServerErrorsBeyondTheRetries",
       [](Env& env) {
         FaultSpec fault = FaultSpec::answer("/secrets/s1", 503, -1);
         fault.kind = "kv-get";
         env.azure.add_fault(fault);
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAVAILABLE,
       text(prefix() + "vault kv-emu.vault.azure.net failed the request for secret s1 (latest "
                       "version) (HTTP 503): ServiceUnavailable: Injected by emulator fault rule "
                       "{n}.")},
      {"RetryAfterBeyondTheCap",
       [](Env& env) {
         FaultSpec fault = FaultSpec::answer("/secrets/s1", 429, -1, {{"Retry-After", "120"}});
         fault.kind = "kv-get";
         env.azure.add_fault(fault);
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_THROTTLED,
       text(prefix() + "vault kv-emu.vault.azure.net throttled the request for secret s1 (latest "
                       "version) (HTTP 429): Throttled: Injected by emulator fault rule {n}.; the "
                       "vault asked to wait 120000 ms"),
       [](nlohmann::json&) {}, 120000},
      // -- challenges ----------------------------------------------------------------------
      {"ChallengeForAForeignResource",
       [](Env& env) {
         env.azure.configure_vault(kVault, {{"challengeResource", "https://vault.evil.example"}});
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAUTHORIZED,
       text(prefix() + "challenge resource \"vault.evil.example\" doesn't match the requested "
                       "domain: vault kv-emu.vault.azure.net is not under vault.evil.example, so "
                       "no token for that resource is sent to it. Check the vault name and "
                       "cloudName (see https://aka.ms/azsdk/blog/vault-uri)")},
      {"ChallengeWithoutWwwAuthenticate",
       [](Env& env) {
         FaultSpec fault;
         fault.kind = "kv-401-challenge";
         fault.status = 401;
         fault.count = -1;
         env.azure.add_fault(fault);
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAUTHORIZED,
       text(prefix() + "vault kv-emu.vault.azure.net answered 401: response has no "
                       "WWW-Authenticate header for challenge authentication")},
      {"ChallengeWithoutResource",
       [](Env& env) {
         FaultSpec fault;
         fault.kind = "kv-401-challenge";
         fault.status = 401;
         fault.count = -1;
         fault.headers = {
             {"WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/t\""}};
         env.azure.add_fault(fault);
       },
       secret_object("objectName: s1\nobjectType: secret"), SSCSI_UNAUTHORIZED,
       text(prefix() + "vault kv-emu.vault.azure.net answered 401: could not find a valid "
                       "resource in the WWW-Authenticate header")},
      // -- Entra ID -----------------------------------------------------------------------
      {"WrongClientSecret", [](Env&) {},
       [](Env&) {
         MountInput input = sp_input();
         input.secrets_json = R"({"clientid":"sp-client","clientsecret":"wrong-secret-6d1e"})";
         return input;
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() + sp_token() +
            ": HTTP 401: invalid_client: AADSTS7000215: Invalid client secret provided. Ensure "
            "the secret being sent in the request is the client secret value, not the client "
            "secret ID, for a secret added to app 'sp-client'." +
            kEntraTrace)},
      {"UnknownClient", [](Env&) {},
       [](Env&) {
         MountInput input = sp_input();
         input.secrets_json = R"({"clientid":"nobody","clientsecret":"whatever-secret"})";
         return input;
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() + sp_token("nobody") +
            ": HTTP 400: unauthorized_client: AADSTS700016: Application with identifier 'nobody' "
            "was not found in the directory 'tenant-emu'." +
            kEntraTrace)},
      {"WorkloadIdentityOfAnotherServiceAccount", [](Env&) {},
       [](Env&) {
         return workload_input(
             {AzureEmulator::kWorkloadAudience, "system:serviceaccount:team-a:intruder"});
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() +
            "workload identity token for client wi-client (service account "
            "team-a/app) from " +
            token_url() +
            ": HTTP 400: invalid_client: AADSTS70021: No matching federated identity record found "
            "for presented assertion. Assertion Issuer: 'https://oidc.sscsi.test'. Assertion "
            "Subject: 'system:serviceaccount:team-a:intruder'. Assertion Audience: "
            "'api://AzureADTokenExchange'." +
            kEntraTrace)},
      {"WorkloadIdentityAssertionExpired", [](Env&) {},
       [](Env&) {
         JwtClaims claims{AzureEmulator::kWorkloadAudience, kSubject};
         claims.expiry = std::chrono::system_clock::now() - std::chrono::minutes(5);
         return workload_input(claims);
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() +
            "workload identity token for client wi-client (service account "
            "team-a/app) from " +
            token_url() +
            ": HTTP 400: invalid_client: AADSTS700024: Client assertion is not "
            "within its valid time range. {any}" +
            kEntraTrace)},
      {"WorkloadIdentityAssertionNotAJwt", [](Env&) {},
       [](Env&) {
         return mode_input(
             {{"clientID", kWorkloadClient},
              {"csi.storage.k8s.io/serviceAccount.tokens",
               service_account_tokens(AzureEmulator::kWorkloadAudience, "not-a-jwt")}});
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() +
            "workload identity token for client wi-client (service account "
            "team-a/app) from " +
            token_url() +
            ": HTTP 400: invalid_client: AADSTS50027: JWT token is invalid or "
            "malformed: the assertion is not a compact JWT (three dot-separated parts)" +
            kEntraTrace)},
      {"TokenEndpointFailsEveryTime",
       [](Env& env) {
         FaultSpec fault;
         fault.kind = "token";
         fault.status = 500;
         fault.count = -1;
         env.azure.add_fault(fault);
       },
       [](Env&) { return sp_input(); }, SSCSI_UNAVAILABLE,
       text(prefix() + sp_token() +
            ": HTTP 500: temporarily_unavailable: Injected by emulator fault rule {n}.")},
      {"TokenEndpointThrottlesBeyondTheCap",
       [](Env& env) {
         FaultSpec fault;
         fault.kind = "token";
         fault.status = 429;
         fault.headers = {{"Retry-After", "120"}};
         fault.count = -1;
         env.azure.add_fault(fault);
       },
       [](Env&) { return sp_input(); }, SSCSI_THROTTLED,
       text(prefix() + sp_token() +
            ": HTTP 429: temporarily_unavailable: Injected by emulator fault rule {n}.; the server "
            "asked to wait 120000 ms"),
       [](nlohmann::json&) {}, 120000},
      {"TokenAnswerWithoutAccessToken",
       [](Env& env) {
         env.azure.add_fault(answer_body("token", 200, R"({"token_type":"Bearer"})"));
       },
       [](Env&) { return sp_input(); }, SSCSI_UNAVAILABLE,
       text(prefix() + sp_token() + ": the answer has no access_token")},
      {"TokenAnswerNotJson",
       [](Env& env) { env.azure.add_fault(answer_body("token", 200, "<html>sign in</html>")); },
       [](Env&) { return sp_input(); }, SSCSI_UNAVAILABLE,
       text(prefix() + sp_token() + ": the answer is not JSON (parse error at byte 1)")},
      // -- IMDS and NMI ----------------------------------------------------------------------
      {"ImdsWithSeveralUserAssignedIdentities",
       [](Env& env) {
         env.azure.register_user_assigned_identity("uami-1", {kVault});
         env.azure.register_user_assigned_identity("uami-2", {kVault});
       },
       [](Env&) {
         return mode_input({{"useVMManagedIdentity", "true"}});
       },
       SSCSI_INVALID_PARAMETERS,
       [](const Env& env) {
         return prefix() + "managed identity token (system-assigned) from IMDS " +
                env.azure.imds_endpoint() +
                ": HTTP 400: invalid_request: Multiple user assigned identities exist, please "
                "specify the clientId / resourceId of the identity in the token request";
       }},
      {"ImdsUnknownUserAssignedIdentity",
       [](Env& env) { env.azure.register_user_assigned_identity("uami-1", {kVault}); },
       [](Env&) {
         return mode_input({{"useVMManagedIdentity", "true"}, {"userAssignedIdentityID", "ghost"}});
       },
       SSCSI_INVALID_PARAMETERS,
       [](const Env& env) {
         return prefix() + "managed identity token (user-assigned ghost) from IMDS " +
                env.azure.imds_endpoint() + ": HTTP 400: invalid_request: Identity not found";
       }},
      {"NmiWithoutABindingForThePod", [](Env&) {},
       [](Env&) {
         return mode_input({{"usePodIdentity", "true"}});
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() + "nmi response failed with status code: 403, response body: no "
                       "AzureAssignedIdentity found for pod:team-a/pod-a in assigned state ")},
      {"NmiNotFound",
       [](Env& env) {
         FaultSpec fault;
         fault.kind = "nmi";
         fault.status = 404;
         fault.body = "404 page not found";
         fault.headers = {{"Content-Type", "text/plain"}};
         fault.count = -1;
         env.azure.add_fault(fault);
       },
       [](Env&) {
         return mode_input({{"usePodIdentity", "true"}});
       },
       SSCSI_UNAUTHORIZED,
       text(prefix() + "nmi response failed with status code: 404, response body: 404 page not "
                       "found")},
      {"NmiThrottles",
       [](Env& env) {
         FaultSpec fault;
         fault.kind = "nmi";
         fault.status = 429;
         fault.body = "slow down";
         fault.headers = {{"Content-Type", "text/plain"}, {"Retry-After", "3"}};
         fault.count = -1;
         env.azure.add_fault(fault);
       },
       [](Env&) {
         return mode_input({{"usePodIdentity", "true"}});
       },
       SSCSI_THROTTLED,
       text(prefix() + "nmi response failed with status code: 429, response body: slow down"),
       [](nlohmann::json&) {}, 3000},
      {"NmiAnswerWithoutClientId",
       [](Env& env) {
         env.azure.add_fault(answer_body("nmi", 200, R"({"token":{"access_token":"x"}})"));
       },
       [](Env&) {
         return mode_input({{"usePodIdentity", "true"}});
       },
       SSCSI_UNAVAILABLE,
       text(prefix() + "nmi did not return expected values in response: token and clientid")},
  };
  return all;
}

class BadAnswers : public ::testing::TestWithParam<BadAnswer> {
 protected:
  void SetUp() override {
    emulator().reset();
    const nlohmann::json sp =
        emulator().register_service_principal(kClient, kClientSecret, {kVault});
    env_ = std::make_unique<Env>(Env{emulator(), sp.value("objectId", "")});
    emulator().register_workload_identity(kWorkloadClient, kSubject, {kVault});
  }

  std::unique_ptr<Env> env_;
};

TEST_P(BadAnswers, FailWithTheExactCodeAndMessageAndNothingElse) {
  const BadAnswer& bad = GetParam();
  bad.setup(*env_);
  nlohmann::json config = emulator_config(emulator());
  bad.configure(config);
  FakeHost host;
  const AzureInstance plugin(host, config);
  const MountAnswer answer = plugin.mount(bad.input(*env_));

  ASSERT_TRUE(answer.error.has_value()) << "the mount succeeded";
  EXPECT_EQ(answer.error->code, bad.code) << answer.error->message;
  const std::string expected = bad.message(*env_);
  EXPECT_TRUE(std::regex_match(answer.error->message, std::regex(pattern(expected))))
      << "message:  " << answer.error->message << "\nexpected: " << expected;
  EXPECT_EQ(answer.error->retry_after_ms, bad.retry_after_ms);
  EXPECT_TRUE(answer.files.empty());
  EXPECT_TRUE(answer.versions.empty());
  for (const std::string& planted : {std::string(kClientSecret), std::string(kSecretValue)}) {
    EXPECT_EQ(answer.error->message.find(planted), std::string::npos);
    for (const auto& line : host.logs()) {
      EXPECT_EQ(line.message.find(planted), std::string::npos) << line.message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AzurePlugin, BadAnswers, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadAnswer>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace sscsi::azure_test
