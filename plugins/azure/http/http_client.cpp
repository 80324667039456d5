#include "http/http_client.h"

#include <curl/curl.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

#include "http/connect_to.h"

namespace sscsi::azure {
namespace {

using std::chrono::milliseconds;

// What the callbacks fill while one transfer runs.
struct Transfer {
  const CallControl* control = nullptr;
  HttpResponse* response = nullptr;
  std::size_t max_body = 0;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  SecretString& body = transfer.response->body;
  if (body.size() + bytes > transfer.max_body) {
    transfer.too_large = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  if (body.capacity() < body.size() + bytes) {
    // Grow geometrically ourselves: each reallocation frees (and wipes) the old buffer.
    body.reserve(std::max<std::size_t>(body.size() + bytes, body.capacity() * 2));
  }
  body.append(data, bytes);
  return bytes;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  auto& headers = transfer.response->headers;
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();  // a new response starts (after 100 Continue or a proxy's CONNECT answer)
    return bytes;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    // Obsolete line folding: continues the previous header's value.
    if (!headers.empty()) {
      const std::string_view more = trim(line);
      if (!more.empty()) {
        headers.back().second.push_back(' ');
        headers.back().second.append(more);
      }
    }
    return bytes;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return bytes;  // blank line or junk
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  headers.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& transfer = *static_cast<Transfer*>(user);
  return transfer.control->stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

// Sets options and remembers the first one libcurl refused.
class OptionSetter {
 public:
  explicit OptionSetter(CURL* handle) : handle_(handle) {}
  template <typename T>
  void operator()(CURLoption option, T value) {
    const CURLcode code = curl_easy_setopt(handle_, option, value);
    if (code != CURLE_OK && first_error_ == CURLE_OK) first_error_ = code;
  }
  CURLcode first_error() const { return first_error_; }

 private:
  CURL* handle_;
  CURLcode first_error_ = CURLE_OK;
};

// A curl_slist, wiped before it is freed: the header list may hold a bearer token.
class StringList {
 public:
  StringList() = default;
  ~StringList() {
    for (curl_slist* node = list_; node != nullptr; node = node->next) {
      explicit_bzero(node->data, std::strlen(node->data));
    }
    curl_slist_free_all(list_);
  }
  StringList(const StringList&) = delete;
  StringList& operator=(const StringList&) = delete;

  void add(const char* text) {
    curl_slist* grown = curl_slist_append(list_, text);
    if (grown == nullptr) throw std::bad_alloc();
    list_ = grown;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

bool transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    // The handshake broke off (reset, server restarting); an untrusted certificate is
    // CURLE_PEER_FAILED_VERIFICATION instead, which is final.
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool has_scheme(std::string_view url, std::string_view scheme) {
  if (url.size() < scheme.size() + 3) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = url[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return false;
  }
  return url.substr(scheme.size(), 3) == "://";
}

// "X509v3 Subject Alternative Name:IP Address:127.0.0.1, DNS:a, DNS:b" -> {a, b}
std::vector<std::string> dns_names_of(std::string_view line) {
  std::vector<std::string> names;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return names;
  std::string_view rest = line.substr(colon + 1);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    if (item.rfind("DNS:", 0) == 0) names.emplace_back(item.substr(4));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

// NO_PROXY from the environment plus the loopback names: like Go's ProxyFromEnvironment (and
// so upstream), requests to NMI on localhost never go through HTTP(S)_PROXY. Setting
// CURLOPT_NOPROXY replaces libcurl's own reading of NO_PROXY, hence the merge.
std::string no_proxy_list() {
  const char* env = std::getenv("no_proxy");
  if (env == nullptr || *env == '\0') env = std::getenv("NO_PROXY");
  const std::string configured = env != nullptr ? env : "";
  if (configured == "*") return configured;
  return configured.empty() ? "localhost,127.0.0.1,::1" : configured + ",localhost,127.0.0.1,::1";
}

HttpResponse failed(TransportFailure failure, std::string text) {
  HttpResponse response;
  response.failure = failure;
  response.failure_text = std::move(text);
  return response;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), trust_(options_), handles_(options_.max_idle_handles) {
  for (const std::string& entry : options_.connect_to) {
    if (std::string problem = connect_to_problem(entry); !problem.empty()) {
      throw std::invalid_argument(problem);
    }
  }
  if (options_.connect_timeout <= milliseconds::zero()) {
    throw std::invalid_argument("HTTP connect timeout must be positive");
  }
  if (options_.request_timeout <= milliseconds::zero()) {
    throw std::invalid_argument("HTTP request timeout must be positive");
  }
  if (options_.max_response_bytes == 0) {
    throw std::invalid_argument("HTTP maximum response size must be positive");
  }
}

HttpClient::~HttpClient() = default;

std::string HttpClient::with_trust_problem(CURLcode code, std::string description) const {
  // An unverifiable peer with no system bundle loaded: say so, it is the likelier fix.
  if (code == CURLE_PEER_FAILED_VERIFICATION && !trust_.problem().empty()) {
    description += fmt::format(" (trusted CAs: {}; {})", trust_.size(), trust_.problem());
  }
  return description;
}

HttpResponse HttpClient::send(const HttpRequest& request, const CallControl& control) {
  const bool https = has_scheme(request.url, "https");
  if (!https && !(request.allow_plain_http && has_scheme(request.url, "http"))) {
    return failed(TransportFailure::Permanent,
                  fmt::format("refusing to send to \"{}\": only {} URLs are allowed here",
                              request.url, request.allow_plain_http ? "http(s)://" : "https://"));
  }
  if (request.method != "GET" && request.method != "POST") {
    return failed(TransportFailure::Permanent,
                  fmt::format("HTTP method \"{}\" is not supported", request.method));
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || name.find_first_of(":\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return failed(TransportFailure::Permanent,
                    fmt::format("header \"{}\" has a line break or a bad name", name));
    }
  }
  if (control.stop_requested()) {
    return failed(TransportFailure::Cancelled, "the call was cancelled or its deadline passed");
  }
  const milliseconds per_attempt =
      request.timeout > milliseconds::zero() ? request.timeout : options_.request_timeout;
  const milliseconds left = control.remaining();
  const bool deadline_bounds = left < per_attempt;
  const milliseconds timeout = std::max(milliseconds(1), std::min(per_attempt, left));

  HttpResponse response;
  response.body = make_secret("");
  Transfer transfer;
  transfer.control = &control;
  transfer.response = &response;
  transfer.max_body = options_.max_response_bytes;

  const auto lease = handles_.take();
  CURL* handle = lease.get();
  OptionSetter set(handle);
  char error_text[CURL_ERROR_SIZE] = {};

  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, request.allow_plain_http ? "http,https" : "https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(std::min(options_.connect_timeout, timeout).count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_USERAGENT, options_.user_agent.c_str());
  const std::string no_proxy = no_proxy_list();
  set(CURLOPT_NOPROXY, no_proxy.c_str());

  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  const CURLcode trust_code = trust_.apply(handle);

  StringList connect_to;
  for (const std::string& entry : request.connect_to) connect_to.add(entry.c_str());
  for (const std::string& entry : options_.connect_to) connect_to.add(entry.c_str());
  if (connect_to.get() != nullptr) set(CURLOPT_CONNECT_TO, connect_to.get());

  StringList headers;
  headers.add("Expect:");  // no 100-continue round trip before a body
  for (const auto& [name, value] : request.headers) {
    headers.add(fmt::format("{}: {}", name, value).c_str());
  }
  if (!request.body.empty() && !request.content_type.empty()) {
    headers.add(fmt::format("Content-Type: {}", request.content_type).c_str());
  }
  if (!request.bearer_token.empty()) {
    SecretString authorization = make_secret("Authorization: Bearer ");
    authorization.reserve(authorization.size() + request.bearer_token.size() + 1);
    authorization.append(request.bearer_token);
    headers.add(authorization.c_str());
  }
  set(CURLOPT_HTTPHEADER, headers.get());

  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else {
    // libcurl reads our buffer in place: no copy of the secret form inside libcurl.
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.c_str());
  }

  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, &transfer);
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, &transfer);
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, &on_progress);
  set(CURLOPT_XFERINFODATA, &transfer);

  const CURLcode refused = set.first_error() != CURLE_OK ? set.first_error() : trust_code;
  if (refused != CURLE_OK) {
    return failed(TransportFailure::Permanent,
                  fmt::format("libcurl refused an option: {}", curl_easy_strerror(refused)));
  }

  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) {
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }
  const std::string description = with_trust_problem(
      code, error_text[0] != '\0' ? fmt::format("{}: {}", curl_easy_strerror(code), error_text)
                                  : std::string(curl_easy_strerror(code)));
  if (transfer.too_large) {
    return failed(TransportFailure::TooLarge,
                  fmt::format("the answer is larger than {} bytes", options_.max_response_bytes));
  }
  if (code == CURLE_ABORTED_BY_CALLBACK ||
      (code == CURLE_OPERATION_TIMEDOUT && (deadline_bounds || control.stop_requested()))) {
    return failed(
        TransportFailure::Cancelled,
        fmt::format("stopped: the call was cancelled or its deadline passed ({})", description));
  }
  return failed(transient(code) ? TransportFailure::Transient : TransportFailure::Permanent,
                description);
}

}  // namespace sscsi::azure

namespace sscsi::azure {

std::vector<std::string> HttpClient::server_certificate_dns_names(const std::string& url,
                                                                  const CallControl& control) {
  if (!has_scheme(url, "https")) {
    throw std::runtime_error(fmt::format("\"{}\" is not an https:// URL", url));
  }
  // A handle of its own: a connect-only connection is not one the pool should hand out.
  std::unique_ptr<CURL, EasyDeleter> owned(curl_easy_init());
  if (!owned) throw std::runtime_error("libcurl could not create a handle");
  CURL* handle = owned.get();
  OptionSetter set(handle);
  char error_text[CURL_ERROR_SIZE] = {};
  Transfer transfer;
  HttpResponse unused;
  transfer.control = &control;
  transfer.response = &unused;
  const milliseconds timeout =
      std::max(milliseconds(1), std::min(options_.connect_timeout, control.remaining()));
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_CONNECT_ONLY, 1L);
  set(CURLOPT_CERTINFO, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, &on_progress);
  set(CURLOPT_XFERINFODATA, &transfer);
  const CURLcode trust_code = trust_.apply(handle);
  StringList connect_to;
  for (const std::string& entry : options_.connect_to) connect_to.add(entry.c_str());
  if (connect_to.get() != nullptr) set(CURLOPT_CONNECT_TO, connect_to.get());
  const CURLcode refused = set.first_error() != CURLE_OK ? set.first_error() : trust_code;
  if (refused != CURLE_OK) {
    throw std::runtime_error(
        fmt::format("libcurl refused an option: {}", curl_easy_strerror(refused)));
  }
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    throw std::runtime_error(fmt::format(
        "TLS connection to {} failed: {}", url,
        with_trust_problem(code, fmt::format("{}{}{}", curl_easy_strerror(code),
                                             error_text[0] != '\0' ? ": " : "", error_text))));
  }
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(handle, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1) {
    throw std::runtime_error(fmt::format("{} presented no certificate", url));
  }
  for (curl_slist* line = info->certinfo[0]; line != nullptr; line = line->next) {
    const std::string_view text(line->data);
    if (text.rfind("X509v3 Subject Alternative Name:", 0) == 0) return dns_names_of(text);
  }
  return {};
}

}  // namespace sscsi::azure
