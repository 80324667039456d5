#include "kube/sync/pod_status_writer.h"

#include <fmt/format.h>

#include "kube/objects/api_paths.h"

namespace sscsi::kube {
namespace {

constexpr const char* kRbacHint =
    "the driver's ServiceAccount needs create, get and update on "
    "secretproviderclasspodstatuses.secrets-store.csi.x-k8s.io (see the RBAC in deploy/)";

// Field-by-field with the CRD's omitempty defaults, so that an object written by another
// driver version (fields left out when empty or false) compares equal to ours.
bool same_status(const nlohmann::json& have, const nlohmann::json& want) {
  if (!have.is_object()) return false;
  const auto text = [](const nlohmann::json& status, const char* key) {
    const auto it = status.find(key);
    return it != status.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto flag = [](const nlohmann::json& status) {
    const auto it = status.find("mounted");
    return it != status.end() && it->is_boolean() && it->get<bool>();
  };
  const auto objects = [](const nlohmann::json& status) {
    const auto it = status.find("objects");
    return it != status.end() && it->is_array() ? *it : nlohmann::json::array();
  };
  for (const char* key : {"podName", "secretProviderClassName", "targetPath"}) {
    if (text(have, key) != text(want, key)) return false;
  }
  return flag(have) == flag(want) && objects(have) == objects(want);
}

std::string uid_of(const nlohmann::json& object) {
  if (!object.is_object()) return {};
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return {};
  const auto uid = metadata->find("uid");
  return uid != metadata->end() && uid->is_string() ? uid->get<std::string>() : std::string();
}

std::string uid_of(const std::string& body) {
  return uid_of(nlohmann::json::parse(body, nullptr, false));
}

class PodStatusWrite {
 public:
  PodStatusWrite(ApiClient& api, const PodStatusInfo& info)
      : api_(api),
        info_(info),
        name_(pod_status_name(info.pod_name, info.namespace_name, info.spc_name)),
        what_(fmt::format("SecretProviderClassPodStatus {}/{}", info.namespace_name, name_)),
        path_(pod_status_path(info.namespace_name, name_)) {}

  // A first mount creates first (one request when the object is new, the usual case); a refresh
  // reads first, since the object exists and usually says the same: one GET, no write attempt.
  SyncResult run(bool first_mount) {
    if (first_mount) {
      const ApiResponse created =
          send("POST", pod_statuses_path(info_.namespace_name), pod_status_object(info_).dump());
      if (created.ok()) return done(SyncOutcome::Created, uid_of(created.body));
      if (created.status != 409) return fail(created, "POST");
    }
    for (int attempt = 1; attempt <= kMaxPodStatusAttempts; ++attempt) {
      const ApiResponse got = send("GET", path_, "");
      if (got.status == 404) {
        const ApiResponse created =
            send("POST", pod_statuses_path(info_.namespace_name), pod_status_object(info_).dump());
        if (created.ok()) return done(SyncOutcome::Created, uid_of(created.body));
        if (created.status == 409) continue;  // created meanwhile: read it
        return fail(created, "POST");
      }
      if (!got.ok()) return fail(got, "GET");
      nlohmann::json existing = nlohmann::json::parse(got.body, nullptr, false);
      if (!existing.is_object() || !existing.contains("metadata") ||
          !existing["metadata"].is_object()) {
        return failed(fmt::format("{}: the API server's answer to GET is not an object", what_));
      }
      nlohmann::json wanted = existing;
      nlohmann::json& metadata = wanted["metadata"];
      if (!metadata["labels"].is_object()) metadata["labels"] = nlohmann::json::object();
      metadata["labels"][kNodeNameLabel] = info_.node_name;
      metadata["ownerReferences"] = nlohmann::json::array({pod_owner_reference(info_)});
      wanted["status"] = pod_status_status(info_);
      if (metadata == existing["metadata"] &&
          same_status(existing.value("status", nlohmann::json()), wanted["status"])) {
        return done(SyncOutcome::Unchanged, uid_of(existing));
      }
      const ApiResponse put = send("PUT", path_, wanted.dump());
      if (put.ok()) return done(SyncOutcome::Updated, uid_of(existing));  // a PUT keeps the uid
      if (put.status != 409 && put.status != 404) return fail(put, "PUT");
    }
    return failed(fmt::format(
        "{}: gave up after {} attempts: the object kept changing while it was written (409 "
        "Conflict)",
        what_, kMaxPodStatusAttempts));
  }

 private:
  ApiResponse send(const char* method, const std::string& path, std::string body) {
    ApiResponse response =
        api_.send(ApiRequest{method, path, std::move(body), "application/json", what_});
    if (response.ok() && std::string_view(method) != "GET") ++writes_;
    return response;
  }

  SyncResult done(SyncOutcome outcome, std::string uid) const {
    return SyncResult{outcome, {}, writes_, std::move(uid), 0, false};
  }

  SyncResult failed(std::string message) const {
    return SyncResult{SyncOutcome::Failed, std::move(message), writes_, {}, 0, false};
  }

  SyncResult fail(const ApiResponse& response, const char* step) const {
    SyncResult result = failed(api_failure(response, what_, step, kRbacHint));
    result.http_status = response.status;
    return result;
  }

  ApiClient& api_;
  const PodStatusInfo& info_;
  const std::string name_;
  const std::string what_;
  const std::string path_;
  int writes_ = 0;
};

}  // namespace

SyncResult write_pod_status(ApiClient& api, const PodStatusInfo& info, bool first_mount) {
  return PodStatusWrite(api, info).run(first_mount);
}

}  // namespace sscsi::kube
