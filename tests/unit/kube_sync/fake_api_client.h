#pragma once
// An ApiClient for tests: answers from a script of (method, path) -> (status, body), in order,
// and records every request. A request that does not match the next scripted one fails the test
// (so a test also proves which requests were NOT sent). With answer_all(), requests beyond the
// script get that answer instead.

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kube/api_client.h"

namespace sscsi::kube::testing {

class FakeApiClient : public ApiClient {
 public:
  struct Answer {
    std::string method;
    std::string path;
    long status = 200;
    std::string body;
  };

  void expect(std::string method, std::string path, long status, std::string body = {}) {
    std::lock_guard lock(mutex_);
    script_.push_back({std::move(method), std::move(path), status, std::move(body)});
  }

  void answer_all(long status, std::string body = {}) {
    std::lock_guard lock(mutex_);
    fallback_ = Answer{"", "", status, std::move(body)};
  }

  ApiResponse send(const ApiRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    Answer answer;
    if (!script_.empty()) {
      answer = script_.front();
      script_.pop_front();
      EXPECT_EQ(request.method + " " + request.path, answer.method + " " + answer.path)
          << "request " << requests_.size() << " is not the scripted one";
    } else if (fallback_) {
      answer = *fallback_;
    } else {
      ADD_FAILURE() << "unscripted request " << request.method << " " << request.path;
      answer.status = 599;
    }
    ApiResponse response;
    response.status = answer.status;
    response.body = answer.body;
    response.attempts = 1;
    if (!response.ok()) {
      // The real client's form: the object, the method, the status.
      response.error =
          answer.status == 0
              ? request.what + ": " + request.method + " failed: connection refused"
              : request.what + ": " + request.method + " answered " + std::to_string(answer.status);
    }
    return response;
  }

  std::vector<ApiRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t unanswered() const {
    std::lock_guard lock(mutex_);
    return script_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::deque<Answer> script_;
  std::optional<Answer> fallback_;
  std::vector<ApiRequest> requests_;
};

}  // namespace sscsi::kube::testing
