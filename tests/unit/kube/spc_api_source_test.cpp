// SecretProviderClasses from the API: one GET per class for a storm, answers reused briefly,
// failures not reused, v1alpha1 when v1 is not served, and each answer mapped to its kind.

#include "kube/spc_api_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../kube_sync/fake_api_client.h"

namespace sscsi::kube {
namespace {

using nlohmann::json;
using testing::FakeApiClient;
using namespace std::chrono_literals;

constexpr const char* kV1 =
    "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/team/secretproviderclasses/db";
constexpr const char* kV1alpha1 =
    "/apis/secrets-store.csi.x-k8s.io/v1alpha1/namespaces/team/secretproviderclasses/db";

std::string spc_body(const std::string& version = "v1", const std::string& provider = "mock") {
  return json{{"apiVersion", "secrets-store.csi.x-k8s.io/" + version},
              {"kind", "SecretProviderClass"},
              {"metadata", {{"name", "db"}, {"namespace", "team"}}},
              {"spec", {{"provider", provider}, {"parameters", {{"objects", "x"}}}}}}
      .dump();
}

// The apiserver's 404 for a missing object names it; for an unserved version it does not.
std::string object_not_found() {
  return json{{"kind", "Status"},
              {"reason", "NotFound"},
              {"details", {{"name", "db"}, {"kind", "secretproviderclasses"}}}}
      .dump();
}
std::string version_not_served() {
  return json{{"kind", "Status"}, {"reason", "NotFound"}, {"details", json::object()}}.dump();
}

TEST(SpcApiSource, ReadsTheClassFromThePodsNamespace) {
  FakeApiClient api;
  api.expect("GET", kV1, 200, spc_body());
  SpcApiSource source(api);
  const SpcLookup lookup = source.get("team", "db");
  ASSERT_TRUE(std::holds_alternative<SecretProviderClass>(lookup));
  EXPECT_EQ(std::get<SecretProviderClass>(lookup).provider, "mock");
  EXPECT_EQ(api.requests()[0].what, "SecretProviderClass team/db");
}

TEST(SpcApiSource, AnswersAreReusedWhileFreshThenAskedAgain) {
  FakeApiClient api;
  api.expect("GET", kV1, 200, spc_body("v1", "first"));
  api.expect("GET", kV1, 200, spc_body("v1", "second"));
  SpcApiSource source(api, 50ms);
  EXPECT_EQ(std::get<SecretProviderClass>(source.get("team", "db")).provider, "first");
  EXPECT_EQ(std::get<SecretProviderClass>(source.get("team", "db")).provider, "first");
  std::this_thread::sleep_for(60ms);
  EXPECT_EQ(std::get<SecretProviderClass>(source.get("team", "db")).provider, "second");
  EXPECT_EQ(api.requests().size(), 2u);
}

TEST(SpcApiSource, NotFoundIsReusedButFailuresAreNot) {
  FakeApiClient api;
  api.expect("GET", kV1, 404, object_not_found());
  SpcApiSource source(api, 1h);
  for (int i = 0; i < 3; ++i) {
    const SpcLookup lookup = source.get("team", "db");
    ASSERT_TRUE(std::holds_alternative<SpcLookupError>(lookup));
    EXPECT_EQ(std::get<SpcLookupError>(lookup).kind, SpcLookupError::Kind::NotFound);
    EXPECT_EQ(std::get<SpcLookupError>(lookup).message,
              "SecretProviderClass team/db not found: the class must exist in the pod's "
              "namespace");
  }
  EXPECT_EQ(api.requests().size(), 1u);

  FakeApiClient failing;
  failing.expect("GET", kV1, 503);
  failing.expect("GET", kV1, 200, spc_body());
  SpcApiSource retried(failing, 1h);
  const SpcLookup first = retried.get("team", "db");
  ASSERT_TRUE(std::holds_alternative<SpcLookupError>(first));
  EXPECT_EQ(std::get<SpcLookupError>(first).kind, SpcLookupError::Kind::Unavailable);
  EXPECT_EQ(std::get<SpcLookupError>(first).message,
            "SecretProviderClass team/db: GET answered 503");
  EXPECT_TRUE(std::holds_alternative<SecretProviderClass>(retried.get("team", "db")));
}

TEST(SpcApiSource, EachAnswerHasItsKind) {
  struct Case {
    long status;
    std::string body;
    SpcLookupError::Kind kind;
  };
  for (const Case& c : std::vector<Case>{{401, "", SpcLookupError::Kind::Forbidden},
                                         {403, "", SpcLookupError::Kind::Forbidden},
                                         {0, "", SpcLookupError::Kind::Unavailable},
                                         {429, "", SpcLookupError::Kind::Unavailable},
                                         {200, "{not json", SpcLookupError::Kind::Unavailable},
                                         {200, "[]", SpcLookupError::Kind::Invalid}}) {
    FakeApiClient api;
    api.expect("GET", kV1, c.status, c.body);
    SpcApiSource source(api);
    const SpcLookup lookup = source.get("team", "db");
    ASSERT_TRUE(std::holds_alternative<SpcLookupError>(lookup)) << c.status << c.body;
    EXPECT_EQ(std::get<SpcLookupError>(lookup).kind, c.kind) << c.status << c.body;
  }
}

TEST(SpcApiSource, FallsBackToV1alpha1WhenV1IsNotServedAndRemembersIt) {
  FakeApiClient api;
  api.expect("GET", kV1, 404, version_not_served());
  api.expect("GET", kV1alpha1, 200, spc_body("v1alpha1"));
  api.expect("GET",
             "/apis/secrets-store.csi.x-k8s.io/v1alpha1/namespaces/team/secretproviderclasses/"
             "other",
             404, object_not_found());
  SpcApiSource source(api);
  EXPECT_TRUE(std::holds_alternative<SecretProviderClass>(source.get("team", "db")));
  EXPECT_EQ(std::get<SpcLookupError>(source.get("team", "other")).kind,
            SpcLookupError::Kind::NotFound);
  EXPECT_EQ(api.unanswered(), 0u);
}

TEST(SpcApiSource, AMissingObjectInV1IsNotLookedForInV1alpha1) {
  FakeApiClient api;
  api.expect("GET", kV1, 404, object_not_found());
  SpcApiSource source(api);
  EXPECT_EQ(std::get<SpcLookupError>(source.get("team", "db")).kind,
            SpcLookupError::Kind::NotFound);
  EXPECT_EQ(api.requests().size(), 1u);
}

TEST(SpcApiSource, EmptyNamesAreRefusedWithoutARequest) {
  FakeApiClient api;
  SpcApiSource source(api);
  EXPECT_EQ(std::get<SpcLookupError>(source.get("", "db")).kind, SpcLookupError::Kind::Invalid);
  EXPECT_EQ(std::get<SpcLookupError>(source.get("team", "")).kind, SpcLookupError::Kind::Invalid);
  EXPECT_TRUE(api.requests().empty());
}

// Holds every GET until released, so that lookups pile up behind the first one.
class GatedApi final : public ApiClient {
 public:
  explicit GatedApi(long status) : status_(status) {}
  ApiResponse send(const ApiRequest&) override {
    ++calls;
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [&] { return open_; });
    ApiResponse response;
    response.status = status_;
    response.body = status_ == 200 ? spc_body() : "";
    if (status_ != 200) response.error = "SecretProviderClass team/db: GET failed: down";
    return response;
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  std::atomic<int> calls{0};

 private:
  const long status_;
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

void storm(SpcApiSource& source, GatedApi& api, int lookups, std::atomic<int>& failures) {
  std::atomic<int> started{0};
  std::vector<std::jthread> threads;
  for (int i = 0; i < lookups; ++i) {
    threads.emplace_back([&] {
      ++started;
      if (!std::holds_alternative<SecretProviderClass>(source.get("team", "db"))) ++failures;
    });
  }
  while (api.calls == 0 || started < lookups) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);  // let the others queue up behind the first GET
  api.open();
}

TEST(SpcApiSource, ConcurrentLookupsShareOneRequest) {
  GatedApi api(200);
  SpcApiSource source(api);
  std::atomic<int> failures{0};
  storm(source, api, 100, failures);
  EXPECT_EQ(api.calls, 1);
  EXPECT_EQ(failures, 0);
}

TEST(SpcApiSource, LookupsWaitingOnAFailedRequestShareItsFailure) {
  GatedApi api(0);
  SpcApiSource source(api);
  std::atomic<int> failures{0};
  storm(source, api, 100, failures);
  // Lookups that arrive after the failure ask again (one at a time), but the ones that waited
  // for it do not each repeat it.
  EXPECT_LT(api.calls, 10);
  EXPECT_EQ(failures, 100);
}

}  // namespace
}  // namespace sscsi::kube
