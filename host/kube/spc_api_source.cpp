#include "kube/spc_api_source.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kube/objects/spc_json.h"

namespace sscsi::kube {
namespace {

constexpr const char* kGroup = "secrets-store.csi.x-k8s.io";

// A 404 either means "no such object" (the Status names the object) or "this group/version is
// not served at all" (the Status names nothing); only the second is a reason to try v1alpha1.
bool version_not_served(const ApiResponse& response, const std::string& name) {
  if (response.status != 404) return false;
  const auto status = nlohmann::json::parse(response.body, nullptr, false);
  if (!status.is_object()) return true;
  const auto details = status.find("details");
  if (details == status.end() || !details->is_object()) return true;
  const auto object_name = details->find("name");
  return object_name == details->end() || !object_name->is_string() ||
         object_name->get<std::string>() != name;
}

std::string path_for(const char* version, const std::string& ns, const std::string& name) {
  return fmt::format("/apis/{}/{}/namespaces/{}/secretproviderclasses/{}", kGroup, version, ns,
                     name);
}

}  // namespace

SpcApiSource::SpcApiSource(ApiClient& api, Clock::duration fresh_for)
    : api_(api), fresh_for_(fresh_for) {}

SpcLookup SpcApiSource::get(const std::string& namespace_name, const std::string& name) {
  if (namespace_name.empty() || name.empty()) {
    return SpcLookupError{SpcLookupError::Kind::Invalid,
                          "the pod's namespace and the SecretProviderClass name are both needed "
                          "to look the class up"};
  }
  const auto key = std::make_pair(namespace_name, name);
  std::unique_lock lock(mutex_);
  std::uint64_t waited_for = 0;
  bool waiting = false;
  for (;;) {
    Entry& entry = entries_[key];  // re-found each pass: pruning may have removed it meanwhile
    // A lookup that waited for someone else's fetch takes that answer, even a failure: a storm
    // must not turn one failed GET into hundreds of serial ones.
    if (waiting && entry.generation != waited_for) return entry.answer;
    if (entry.reusable && Clock::now() - entry.fetched_at < fresh_for_) return entry.answer;
    if (!entry.in_flight) {
      entry.in_flight = true;
      break;
    }
    waiting = true;
    waited_for = entry.generation;
    fetched_.wait(lock);
  }
  lock.unlock();
  SpcLookup answer = fetch(namespace_name, name);
  lock.lock();
  Entry& entry = entries_[key];  // in-flight entries are never pruned
  const auto* error = std::get_if<SpcLookupError>(&answer);
  entry.in_flight = false;
  ++entry.generation;
  entry.reusable = error == nullptr || error->kind == SpcLookupError::Kind::NotFound;
  entry.fetched_at = Clock::now();
  entry.answer = answer;
  fetched_.notify_all();
  // Classes nobody asked for within the freshness time are dropped, so the map stays small.
  // Waiters re-find their entry; one dropped under them is simply fetched again.
  const auto now = Clock::now();
  for (auto it = entries_.begin(); it != entries_.end();) {
    const bool stale = !it->second.in_flight && now - it->second.fetched_at >= fresh_for_ * 2;
    it = stale ? entries_.erase(it) : std::next(it);
  }
  return answer;
}

SpcLookup SpcApiSource::fetch(const std::string& namespace_name, const std::string& name) {
  const std::string what = fmt::format("SecretProviderClass {}/{}", namespace_name, name);
  bool alpha = false;
  {
    std::lock_guard lock(mutex_);
    alpha = use_v1alpha1_;
  }
  ApiResponse response =
      api_.send({"GET", path_for(alpha ? "v1alpha1" : "v1", namespace_name, name), "", "", what});
  if (!alpha && version_not_served(response, name)) {
    ApiResponse older =
        api_.send({"GET", path_for("v1alpha1", namespace_name, name), "", "", what});
    if (older.status != 404 || !version_not_served(older, name)) {
      std::lock_guard lock(mutex_);
      use_v1alpha1_ = true;
    }
    response = std::move(older);
  }
  if (response.status == 404) {
    return SpcLookupError{
        SpcLookupError::Kind::NotFound,
        fmt::format("{} not found: the class must exist in the pod's namespace", what)};
  }
  if (response.status == 401 || response.status == 403) {
    return SpcLookupError{SpcLookupError::Kind::Forbidden, response.error};
  }
  if (!response.ok()) return SpcLookupError{SpcLookupError::Kind::Unavailable, response.error};
  const auto object = nlohmann::json::parse(response.body, nullptr, false);
  if (object.is_discarded()) {
    return SpcLookupError{SpcLookupError::Kind::Unavailable,
                          fmt::format("{}: the API server's answer is not JSON", what)};
  }
  return parse_secret_provider_class(object, fmt::format("the API server ({})", what));
}

}  // namespace sscsi::kube
