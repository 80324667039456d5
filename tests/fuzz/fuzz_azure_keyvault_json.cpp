// Key Vault answers (secret, key and certificate bundles, version pages, error bodies) and what
// the plugin makes of a fetched object: the files of a secret (plain, PEM or PKCS#12 content
// type, objectEncoding, separate cert/key files), a key (JWK -> PEM) or a certificate.
//
// Input: <control> NUL <body>. The control's first character picks the answer kind:
//   s secret, k key, c certificate, v secret versions, w key versions, x certificate versions,
//   e<status> an error answer (e.g. "e404"; "e0" for no answer at all)
// followed by option letters for secrets: p objectFormat pfx, h hex, b base64, S separate
// cert/key files, N no chain ordering; then LF and header lines "name: value" (error answers).
// Expected: MountError. Invariants: no message echoes the secret's value (differential) or a
// 24-byte run of it; keyvault_error never throws.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/mount_error.h"
#include "convert/object_content.h"
#include "fuzz_support.h"
#include "http/http_message.h"
#include "keyvault/keyvault_errors.h"
#include "keyvault/keyvault_json.h"

namespace {

using namespace sscsi;

struct Control {
  char kind = 's';
  long status = 0;
  azure::KeyVaultObject object;
  azure::ConvertOptions options;
  std::vector<std::pair<std::string, std::string>> headers;
};

Control control_of(std::string_view text) {
  Control control;
  const std::size_t eol = std::min(text.find('\n'), text.size());
  const std::string_view first = text.substr(0, eol);
  if (!first.empty()) control.kind = first[0];
  for (std::size_t i = 1; i < first.size(); ++i) {
    const char c = first[i];
    if (c >= '0' && c <= '9' && control.status < 1000)
      control.status = control.status * 10 + (c - '0');
    if (c == 'p') control.object.pfx = true;
    if (c == 'h') control.object.encoding = azure::KeyVaultObject::Encoding::Hex;
    if (c == 'b') control.object.encoding = azure::KeyVaultObject::Encoding::Base64;
    if (c == 'S') control.options.separate_cert_and_key_files = true;
    if (c == 'N') control.options.construct_pem_chain = false;
  }
  control.object.name = "object";
  std::string_view rest = text.substr(std::min(eol + 1, text.size()));
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      control.headers.emplace_back(std::string(line.substr(0, colon)),
                                   std::string(line.substr(colon + 1)));
    }
  }
  return control;
}

// Parses and converts one answer of `control.kind`; the MountError message, if any.
std::optional<std::string> run(const Control& control, std::string_view body) {
  const azure::SecretString text = azure::make_secret(body);
  const azure::WarningSink ignore_warnings = [](std::string_view) {};
  try {
    switch (control.kind) {
      case 's':
        (void)azure::secret_files(azure::parse_secret_bundle(text), control.object, "object",
                                  control.options, ignore_warnings);
        break;
      case 'k':
        (void)azure::key_files(azure::parse_key_bundle(text), "object");
        break;
      case 'c':
        (void)azure::certificate_files(azure::parse_certificate_bundle(text), "object");
        break;
      case 'v':
        (void)azure::parse_version_page(text, azure::ObjectType::Secret);
        break;
      case 'w':
        (void)azure::parse_version_page(text, azure::ObjectType::Key);
        break;
      case 'x':
        (void)azure::parse_version_page(text, azure::ObjectType::Cert);
        break;
      default:
        break;
    }
    return std::nullopt;
  } catch (const azure::MountError& e) {
    return std::string(e.what());
  }
}

std::vector<std::string> secret_values(std::string_view body) {
  std::vector<std::string> values;
  const auto answer = nlohmann::json::parse(body, nullptr, false);
  if (answer.is_object()) {
    if (const auto value = answer.find("value"); value != answer.end() && value->is_string()) {
      values.push_back(value->get<std::string>());
    }
  }
  return values;
}

void check_error_answer(const Control& control, std::string_view body) {
  azure::HttpResponse response;
  if (control.status == 0) {
    response.failure = azure::TransportFailure::Transient;
    response.failure_text = "Connection timed out";
  } else {
    response.status = control.status;
  }
  response.headers = control.headers;
  response.body = azure::make_secret(body);
  (void)azure::keyvault_error(response, "secret object (latest version)", "kv.vault.azure.net");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = fuzz::split_fields(fuzz::as_text(data, size), 2);
  const Control control = control_of(fields[0]);
  if (control.kind == 'e') {
    check_error_answer(control, fields[1]);
    return 0;
  }
  const auto message = run(control, fields[1]);
  if (message && control.kind == 's') {
    fuzz::check_secrets_not_echoed("fuzz_azure_keyvault_json", fields[1], *message, secret_values,
                                   [&](std::string_view body) { return run(control, body); });
    fuzz::check_no_material_in_message("fuzz_azure_keyvault_json", fields[1], *message,
                                       secret_values,
                                       [&](std::string_view body) { return run(control, body); });
  }
  return 0;
}
