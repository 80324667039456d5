#pragma once
// A scripted HttpTransport for the Azure plugin's unit tests: answers by the first rule whose
// needle occurs in "METHOD URL", records every request, and can block until told to go on (to
// hold requests in flight for single-flight tests).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "http/http_transport.h"

namespace sscsi::azure::testing {

inline HttpResponse json_answer(long status, std::string body,
                                std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = make_secret(body);
  response.headers = std::move(headers);
  return response;
}

struct RecordedRequest {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string bearer_token;
  std::string body;
  std::vector<std::string> connect_to;

  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
};

class FakeTransport final : public HttpTransport {
 public:
  // Answers requests whose "METHOD URL" contains `needle` with `responses` in turn (the last
  // one repeats).
  void on(std::string needle, std::vector<HttpResponse> responses) {
    std::lock_guard guard(mutex_);
    rules_.push_back(
        Rule{std::move(needle), std::deque<HttpResponse>(responses.begin(), responses.end()), {}});
  }
  // Calls `handler` for matching requests instead (it sees the request).
  void on(std::string needle, std::function<HttpResponse(const HttpRequest&)> handler) {
    std::lock_guard guard(mutex_);
    rules_.push_back(Rule{std::move(needle), {}, std::move(handler)});
  }

  // While held, send() blocks (after recording) until release().
  void hold() {
    std::lock_guard guard(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard guard(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }

  HttpResponse send(const HttpRequest& request, const CallControl&) override {
    std::unique_lock lock(mutex_);
    RecordedRequest recorded{request.method,
                             request.url,
                             request.headers,
                             std::string(view(request.bearer_token)),
                             std::string(view(request.body)),
                             request.connect_to};
    requests_.push_back(recorded);
    released_.wait(lock, [this] { return !held_; });
    const std::string line = request.method + " " + request.url;
    for (Rule& rule : rules_) {
      if (line.find(rule.needle) == std::string::npos) continue;
      if (rule.handler) {
        auto handler = rule.handler;
        lock.unlock();
        return handler(request);
      }
      HttpResponse response = rule.responses.front();
      if (rule.responses.size() > 1) rule.responses.pop_front();
      return response;
    }
    return json_answer(404, R"({"error":{"code":"NoRule","message":"no fake rule"}})");
  }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard guard(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& needle) const {
    std::lock_guard guard(mutex_);
    std::size_t n = 0;
    for (const auto& r : requests_) {
      if ((r.method + " " + r.url).find(needle) != std::string::npos) ++n;
    }
    return n;
  }

 private:
  struct Rule {
    std::string needle;
    std::deque<HttpResponse> responses;
    std::function<HttpResponse(const HttpRequest&)> handler;
  };
  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::vector<Rule> rules_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace sscsi::azure::testing
