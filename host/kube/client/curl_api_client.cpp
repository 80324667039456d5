#include "kube/client/curl_api_client.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kube/client/api_error_text.h"
#include "kube/client/transport_failure.h"

#ifndef SSCSI_VERSION
#error "host/kube/client/CMakeLists.txt defines SSCSI_VERSION"
#endif

namespace sscsi::kube {

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// One request on the wire and what came back.
struct Attempt {
  long status = 0;  // 0: no complete HTTP answer
  CURLcode code = CURLE_OK;
  std::string failure;  // why no answer came, when status is 0
  std::string body;
  std::optional<std::string> retry_after;
  std::size_t max_body = 0;
  bool too_large = false;
};

bool known_method(std::string_view method) {
  return method == "GET" || method == "POST" || method == "PUT" || method == "PATCH" ||
         method == "DELETE";
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& attempt = *static_cast<Attempt*>(user);
  const std::size_t bytes = size * count;
  if (attempt.body.size() + bytes > attempt.max_body) {
    attempt.too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  attempt.body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& attempt = *static_cast<Attempt*>(user);
  const std::size_t bytes = size * count;
  std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    attempt.retry_after.reset();  // a new response (after an interim one) starts
  } else if (iequals_prefix(line, "retry-after:")) {
    line.remove_prefix(std::strlen("retry-after:"));
    attempt.retry_after = std::string(line);
  }
  return bytes;
}

// Sets an option and remembers the first one libcurl refused.
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

// The header list, wiped before it is freed: one entry holds the bearer token.
class HeaderList {
 public:
  HeaderList() = default;
  ~HeaderList() {
    for (curl_slist* node = list_; node != nullptr; node = node->next) {
      explicit_bzero(node->data, std::strlen(node->data));
    }
    curl_slist_free_all(list_);
  }
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;

  void add(const char* header) {
    curl_slist* grown = curl_slist_append(list_, header);
    if (grown == nullptr) throw std::bad_alloc();
    list_ = grown;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

curl_blob blob_of(const SecretString& data) {
  // NOCOPY: libcurl reads our buffer (which is wiped on release) instead of keeping a copy of
  // the key; the buffer outlives every handle (the config is destroyed after the pool).
  return curl_blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_NOCOPY};
}

void check_options(const ClientOptions& options) {
  const auto bad = [](const std::string& message) { throw std::invalid_argument(message); };
  if (options.burst < 1)
    bad(fmt::format("kube API burst must be at least 1, not {}", options.burst));
  if (options.connect_timeout <= milliseconds::zero())
    bad("kube API connect timeout must be positive");
  if (options.request_timeout <= milliseconds::zero())
    bad("kube API request timeout must be positive");
  if (options.retry.max_attempts < 1) {
    bad(fmt::format("kube API max attempts must be at least 1, not {}",
                    options.retry.max_attempts));
  }
  if (options.retry.budget <= milliseconds::zero()) bad("kube API retry budget must be positive");
  if (options.retry.base_delay < milliseconds::zero() ||
      options.retry.max_delay < options.retry.base_delay) {
    bad("kube API retry delays must satisfy 0 <= base delay <= max delay");
  }
  if (options.max_response_bytes == 0) bad("kube API max response size must be positive");
}

}  // namespace

CurlApiClient::CurlApiClient(ClusterConfig config, ClientOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      user_agent_(options_.user_agent.empty() ? std::string("sscsi/") + SSCSI_VERSION
                                              : options_.user_agent),
      tokens_(!config_.token_file.empty() ? TokenSource(config_.token_file)
              : !config_.token.empty()    ? TokenSource(config_.token)
                                          : TokenSource()),
      limiter_(options_.qps, options_.burst),
      handles_(options_.max_idle_connections),
      random_(std::random_device{}()) {
  if (config_.server.rfind("https://", 0) != 0) {
    throw std::invalid_argument(
        fmt::format("{}: server \"{}\" is not an https:// URL", config_.origin, config_.server));
  }
  check_options(options_);
}

CurlApiClient::~CurlApiClient() = default;

double CurlApiClient::next_jitter() {
  std::lock_guard lock(random_mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

namespace {

// Sends `request` once: no retries, no rate limit.
void perform(CurlHandlePool& handles, const ClusterConfig& config, const ClientOptions& options,
             const std::string& user_agent, const ApiRequest& request, const SecretString& token,
             milliseconds timeout, Attempt& attempt) {
  const auto lease = handles.take();
  CURL* handle = lease.get();
  OptionSetter set(handle);
  const std::string url = config.server + request.path;
  char error_text[CURL_ERROR_SIZE] = {};

  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "https");
  // An apiserver never redirects; following one would carry the bearer token elsewhere.
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_USERAGENT, user_agent.c_str());

  // TLS: the server is always verified. A configured CA replaces the system store entirely.
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  curl_blob ca_blob{};
  if (!config.certificate_authority.file.empty()) {
    set(CURLOPT_CAINFO, config.certificate_authority.file.c_str());
    set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  } else if (!config.certificate_authority.data.empty()) {
    ca_blob = blob_of(config.certificate_authority.data);
    set(CURLOPT_CAINFO, static_cast<const char*>(nullptr));
    set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    set(CURLOPT_CAINFO_BLOB, &ca_blob);
  }
  curl_blob cert_blob{};
  curl_blob key_blob{};
  if (!config.client_certificate.empty()) {
    set(CURLOPT_SSLCERTTYPE, "PEM");
    set(CURLOPT_SSLKEYTYPE, "PEM");
    if (!config.client_certificate.file.empty()) {
      set(CURLOPT_SSLCERT, config.client_certificate.file.c_str());
    } else {
      cert_blob = blob_of(config.client_certificate.data);
      set(CURLOPT_SSLCERT_BLOB, &cert_blob);
    }
    if (!config.client_key.file.empty()) {
      set(CURLOPT_SSLKEY, config.client_key.file.c_str());
    } else {
      key_blob = blob_of(config.client_key.data);
      set(CURLOPT_SSLKEY_BLOB, &key_blob);
    }
  }

  HeaderList headers;
  headers.add("Accept: application/json");
  headers.add("Expect:");  // no 100-continue round trip before bodies
  if (!request.body.empty()) {
    headers.add(fmt::format("Content-Type: {}", request.content_type).c_str());
  }
  if (!token.empty()) {
    SecretString authorization(fmt::format("Authorization: Bearer {}", token.view()));
    headers.add(authorization.data());
  }
  set(CURLOPT_HTTPHEADER, headers.get());

  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method != "POST") set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method != "DELETE") {
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      set(CURLOPT_POSTFIELDS, request.body.c_str());
    }
  }

  attempt.max_body = options.max_response_bytes;
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, &attempt);
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, &attempt);

  if (set.first_error() != CURLE_OK) {
    attempt.code = set.first_error();
    attempt.failure =
        fmt::format("libcurl refused an option: {}", curl_easy_strerror(set.first_error()));
    return;
  }
  attempt.code = curl_easy_perform(handle);
  if (attempt.code == CURLE_OK) {
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &attempt.status);
    return;
  }
  // A broken transfer is no answer, even if a status line had arrived.
  attempt.status = 0;
  if (attempt.too_large) {
    attempt.failure = fmt::format("the answer is larger than {} bytes", options.max_response_bytes);
  } else {
    attempt.failure = error_text[0] != '\0'
                          ? fmt::format("{}: {}", curl_easy_strerror(attempt.code), error_text)
                          : std::string(curl_easy_strerror(attempt.code));
  }
  attempt.body.clear();
}

}  // namespace

ApiResponse CurlApiClient::send(const ApiRequest& request) {
  const auto start = steady_clock::now();
  const std::string what = request.what.empty() ? request.path : request.what;
  ApiResponse response;
  if (!known_method(request.method)) {
    response.error = fmt::format("{}: method \"{}\" is not one of GET, POST, PUT, PATCH, DELETE",
                                 what, request.method);
    return response;
  }
  if (request.path.empty() || request.path.front() != '/') {
    response.error =
        fmt::format("{}: {} path \"{}\" does not start with /", what, request.method, request.path);
    return response;
  }

  const RetryPolicy& policy = options_.retry;
  Attempt last;
  while (true) {
    const auto remaining = [&] {
      return std::chrono::duration_cast<milliseconds>(policy.budget -
                                                      (steady_clock::now() - start));
    };
    // Every attempt, retries included, passes the rate limit (as client-go does).
    if (!limiter_.acquire(std::max(remaining(), milliseconds::zero()))) {
      if (response.attempts > 0) break;  // report the last answer
      response.error = fmt::format(
          "{}: {} not sent: the client-side rate limit (qps {}, burst {}) would hold it past "
          "the {} ms request budget",
          what, request.method, options_.qps, options_.burst, policy.budget.count());
      return response;
    }
    const TokenSource::Result token = tokens_.current();
    if (!token.error.empty()) {
      if (response.attempts > 0) break;
      response.error = fmt::format("{}: {} not sent: {}", what, request.method, token.error);
      return response;
    }
    const milliseconds timeout =
        response.attempts == 0 ? options_.request_timeout
                               : std::clamp(remaining(), milliseconds(1), options_.request_timeout);
    Attempt attempt;
    perform(handles_, config_, options_, user_agent_, request, token.token, timeout, attempt);
    ++response.attempts;

    AttemptOutcome outcome;
    outcome.status = attempt.status;
    outcome.transport_retryable =
        attempt.status == 0 && !attempt.too_large && is_transient_transport_failure(attempt.code);
    outcome.retry_after = attempt.retry_after;
    const RetryDecision decision =
        decide_retry(policy, outcome, response.attempts,
                     std::chrono::duration_cast<milliseconds>(steady_clock::now() - start),
                     next_jitter(), std::chrono::system_clock::now());
    last = std::move(attempt);
    if (!decision.retry) break;
    spdlog::debug("kube API: {}: {} {}; retry {} in {} ms", what, request.method,
                  last.status != 0 ? fmt::format("answered {}", last.status) : last.failure,
                  response.attempts, decision.delay.count());
    std::this_thread::sleep_for(decision.delay);
  }

  response.status = last.status;
  response.body = std::move(last.body);
  if (last.status == 0) {
    response.error =
        transport_error(what, request.method, config_.server, last.failure, response.attempts);
  } else if (!response.ok()) {
    response.error =
        status_error(what, request.method, last.status, response.body, response.attempts);
  }
  return response;
}

}  // namespace sscsi::kube
