// Token-endpoint answers (Entra ID v2, IMDS, NMI) and the errors made from failed token
// requests, including the Retry-After headers they carry.
//
// Input: <status> [E|I|N] LF <header lines "name: value"> NUL <body>, e.g. "400 E\n" NUL "{...}".
// Status 0 stands for a transport failure. E/I/N choose Entra ID (default), IMDS or NMI.
// Expected: MountError from the parsers; token_request_error returns one and never throws.
// Invariants: no message echoes an access token (differential, fuzz_support.h) or contains a
// JWT-looking run ("eyJ" + 16 base64url characters), which sanitize_error_text promises to cut.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/mount_error.h"
#include "fuzz_support.h"
#include "http/http_message.h"
#include "http/retry_policy.h"
#include "identity/token_answer.h"

namespace {

using namespace sscsi;
using std::chrono::system_clock;

// A fixed "now", so that a crash reproduces.
const system_clock::time_point kNow = system_clock::time_point(std::chrono::seconds(1700000000));

struct Exchange {
  azure::HttpResponse response;
  azure::TokenService service = azure::TokenService::EntraId;
};

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

Exchange exchange_of(std::string_view head, std::string_view body) {
  Exchange out;
  const std::size_t eol = std::min(head.find('\n'), head.size());
  const std::string_view first = head.substr(0, eol);
  long status = 0;
  std::size_t i = 0;
  for (; i < first.size() && i < 3 && first[i] >= '0' && first[i] <= '9'; ++i) {
    status = status * 10 + (first[i] - '0');
  }
  if (first.find('I', i) != std::string_view::npos) out.service = azure::TokenService::Imds;
  if (first.find('N', i) != std::string_view::npos) out.service = azure::TokenService::Nmi;
  if (status == 0) {
    out.response.failure = azure::TransportFailure::Transient;
    out.response.failure_text = "Connection refused";
  } else {
    out.response.status = status;
  }
  std::string_view rest = head.substr(std::min(eol + 1, head.size()));
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(trim(line.substr(0, colon)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.response.headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  }
  out.response.body = azure::make_secret(body);
  out.response.retry_after = azure::server_retry_after(out.response, kNow);
  return out;
}

// Any exception from the parsers other than MountError escapes to libFuzzer (a crash).
std::optional<std::string> parse_message(std::string_view body, azure::TokenService service) {
  try {
    const azure::SecretString text = azure::make_secret(body);
    if (service == azure::TokenService::Nmi) {
      (void)azure::parse_nmi_answer(text, kNow);
    } else {
      (void)azure::parse_token_answer(text, "token request to Entra ID", kNow);
    }
    return std::nullopt;
  } catch (const azure::MountError& e) {
    return std::string(e.what());
  }
}

void collect_tokens(const nlohmann::json& value, int depth, std::vector<std::string>& out) {
  if (!value.is_object() || depth == 0) return;
  for (const auto& [key, item] : value.items()) {
    if (item.is_string() && key.find("token") != std::string::npos) {
      out.push_back(item.get<std::string>());
    }
    collect_tokens(item, depth - 1, out);
  }
}

std::vector<std::string> tokens_of(std::string_view body) {
  std::vector<std::string> tokens;
  collect_tokens(nlohmann::json::parse(body, nullptr, false), 3, tokens);
  return tokens;
}

void check_no_jwt(const std::string& message) {
  for (std::size_t at = message.find("eyJ"); at != std::string::npos;
       at = message.find("eyJ", at + 1)) {
    std::size_t end = at;
    while (end < message.size() &&
           (std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '-' ||
            message[end] == '_' || message[end] == '.' || message[end] == '=')) {
      ++end;
    }
    if (end - at >= 16) {
      fuzz::fuzz_fail("fuzz_azure_token_answer: an error message contains a JWT-looking run",
                      message);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = fuzz::split_fields(fuzz::as_text(data, size), 2);
  const Exchange exchange = exchange_of(fields[0], fields[1]);

  if (const auto message = parse_message(fields[1], exchange.service)) {
    fuzz::check_secrets_not_echoed(
        "fuzz_azure_token_answer", fields[1], *message, tokens_of,
        [&](std::string_view body) { return parse_message(body, exchange.service); });
  }
  if (!exchange.response.ok()) {
    const azure::MountError error =
        azure::token_request_error(exchange.service, "token request", exchange.response);
    check_no_jwt(error.what());
  }
  return 0;
}
