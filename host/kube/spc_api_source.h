#pragma once
// SecretProviderClasses from the API server, always from the pod's own namespace. A mount storm
// asks for the same class hundreds of times within a second: concurrent lookups of one class
// share one GET (single flight) and an answer is reused for a short time, so 500 publishes of
// one class cost one request. The group's v1 is asked first; a server that does not serve v1
// (an old CRD) is asked for v1alpha1 from then on.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "kube/api_client.h"
#include "kube/spc_source.h"

namespace sscsi::kube {

class SpcApiSource final : public SpcSource {
 public:
  using Clock = std::chrono::steady_clock;
  // `fresh_for`: how long an answer (a class or "not found") is reused. Transport failures and
  // server errors are never reused: the next lookup asks again.
  explicit SpcApiSource(ApiClient& api, Clock::duration fresh_for = std::chrono::seconds(5));

  SpcLookup get(const std::string& namespace_name, const std::string& name) override;

 private:
  struct Entry {
    bool in_flight = false;
    std::uint64_t generation = 0;  // bumped by every finished fetch
    bool reusable = false;         // `answer` may serve later lookups until it is stale
    Clock::time_point fetched_at;
    SpcLookup answer;
  };
  SpcLookup fetch(const std::string& namespace_name, const std::string& name);

  ApiClient& api_;
  const Clock::duration fresh_for_;
  std::mutex mutex_;
  std::condition_variable fetched_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;
  bool use_v1alpha1_ = false;  // guarded by mutex_
};

}  // namespace sscsi::kube
