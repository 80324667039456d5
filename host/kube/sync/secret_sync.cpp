#include "kube/sync/secret_sync.h"

#include <fmt/format.h>

#include "kube/objects/api_paths.h"
#include "kube/objects/base64.h"

namespace sscsi::kube {

namespace {

constexpr const char* kRbacHint =
    "the driver's ServiceAccount lacks the Secret sync permissions: apply the Secret part of the "
    "RBAC in deploy/ (needed whenever a SecretProviderClass has secretObjects)";

// A Secret object in JSON whose data values are wiped when it goes away.
class SecretJson {
 public:
  SecretJson() = default;
  explicit SecretJson(nlohmann::json value) : value_(std::move(value)) {}
  SecretJson(const SecretJson&) = delete;
  SecretJson& operator=(const SecretJson&) = delete;
  ~SecretJson() {
    auto data = value_.find("data");
    if (value_.is_object() && data != value_.end() && data->is_object()) {
      for (auto& entry : *data) {
        if (entry.is_string()) wipe_string(entry.get_ref<std::string&>());
      }
    }
  }
  nlohmann::json& operator*() { return value_; }
  nlohmann::json* operator->() { return &value_; }

 private:
  nlohmann::json value_;
};

enum class Step { Done, Retry, Fail };

class SecretSync {
 public:
  SecretSync(ApiClient& api, const std::string& namespace_name, const DesiredSecret& desired,
             const std::vector<OwnerReference>& owners)
      : api_(api),
        namespace_(namespace_name),
        desired_(desired),
        owners_(owners),
        what_(fmt::format("Secret {}/{}", namespace_name, desired.name)),
        path_(secret_path(namespace_name, desired.name)) {}

  SyncResult run() {
    for (int attempt = 1; attempt <= kMaxSyncAttempts; ++attempt) {
      if (round() != Step::Retry) return result_;
    }
    result_.outcome = SyncOutcome::Failed;
    result_.error = fmt::format(
        "{}: gave up after {} attempts: the Secret kept changing while it was written (409 "
        "Conflict)",
        what_, kMaxSyncAttempts);
    return result_;
  }

 private:
  Step round() {
    ApiResponse got = send("GET", path_, "");
    if (got.status == 404) return create(nullptr);
    if (!got.ok()) return fail(got, "GET");
    nlohmann::json parsed = nlohmann::json::parse(got.body, nullptr, false);
    wipe_string(got.body);
    SecretJson existing(std::move(parsed));
    if (!existing->is_object() || !existing->contains("metadata") ||
        !(*existing)["metadata"].is_object()) {
      return fail_with(
          fmt::format("{}: the API server's answer to GET is not a Secret object", what_));
    }
    const nlohmann::json& metadata = (*existing)["metadata"];
    if (!is_managed(metadata)) {
      result_.not_managed = true;
      return fail_with(fmt::format(
          "{} exists and is not managed by the driver (no label {}=true), so it is left "
          "untouched: delete or rename it, or choose another secretName",
          what_, kManagedLabel));
    }
    if (existing->value("type", std::string()) != desired_.type) return replace(*existing);
    SecretJson wanted(*existing);
    (*wanted)["data"] = data_json();
    merge_metadata((*wanted)["metadata"]);
    result_.uid = metadata.value("uid", std::string());
    if (*wanted == *existing) {
      result_.outcome = SyncOutcome::Unchanged;
      return Step::Done;
    }
    std::string body = wanted->dump();
    ApiResponse put = send("PUT", path_, body);
    wipe_string(body);
    if (put.status == 409 || put.status == 404) return Step::Retry;
    if (!put.ok()) return fail(put, "PUT");
    ++result_.writes;
    result_.outcome = SyncOutcome::Updated;
    return Step::Done;
  }

  // The type of a Secret cannot change: delete exactly the object we read, then create.
  Step replace(const nlohmann::json& existing) {
    const nlohmann::json& metadata = existing["metadata"];
    const nlohmann::json options = {
        {"apiVersion", "v1"},
        {"kind", "DeleteOptions"},
        {"preconditions",
         {{"uid", metadata.value("uid", std::string())},
          {"resourceVersion", metadata.value("resourceVersion", std::string())}}}};
    ApiResponse deleted = send("DELETE", path_, options.dump());
    if (deleted.status == 409 || deleted.status == 404) return Step::Retry;
    if (!deleted.ok()) return fail(deleted, "DELETE (to change the type)");
    ++result_.writes;
    const Step created = create(&metadata);
    if (created == Step::Done) result_.outcome = SyncOutcome::Updated;
    return created;
  }

  // POST the desired Secret; labels, annotations and owners of `previous` (a Secret being
  // replaced) are carried over.
  Step create(const nlohmann::json* previous) {
    nlohmann::json metadata = {{"name", desired_.name}, {"namespace", namespace_}};
    if (previous != nullptr) {
      for (const char* field : {"labels", "annotations", "ownerReferences"}) {
        if (auto it = previous->find(field); it != previous->end() && !it->is_null()) {
          metadata[field] = *it;
        }
      }
    }
    merge_metadata(metadata);
    SecretJson object(nlohmann::json{{"apiVersion", "v1"},
                                     {"kind", "Secret"},
                                     {"metadata", std::move(metadata)},
                                     {"type", desired_.type}});
    (*object)["data"] = data_json();
    std::string body = object->dump();
    ApiResponse posted = send("POST", secrets_path(namespace_), body);
    wipe_string(body);
    if (posted.status == 409) return Step::Retry;  // created meanwhile: read it and compare
    if (!posted.ok()) return fail(posted, "POST");
    ++result_.writes;
    result_.outcome = SyncOutcome::Created;
    SecretJson answer(nlohmann::json::parse(posted.body, nullptr, false));
    wipe_string(posted.body);
    result_.uid = answer->is_object() && (*answer)["metadata"].is_object()
                      ? (*answer)["metadata"].value("uid", std::string())
                      : std::string();
    return Step::Done;
  }

  nlohmann::json data_json() const {
    nlohmann::json data = nlohmann::json::object();
    for (const auto& [key, bytes] : desired_.data) data[key] = base64_encode(bytes.view());
    return data;
  }

  // Desired labels and annotations on top of the present ones; owners added by uid.
  void merge_metadata(nlohmann::json& metadata) const {
    nlohmann::json& labels = metadata["labels"];
    if (!labels.is_object()) labels = nlohmann::json::object();
    for (const auto& [key, value] : desired_.labels) labels[key] = value;
    if (!desired_.annotations.empty()) {
      nlohmann::json& annotations = metadata["annotations"];
      if (!annotations.is_object()) annotations = nlohmann::json::object();
      for (const auto& [key, value] : desired_.annotations) annotations[key] = value;
    }
    if (owners_.empty()) return;
    nlohmann::json& references = metadata["ownerReferences"];
    if (!references.is_array()) references = nlohmann::json::array();
    for (const OwnerReference& owner : owners_) {
      bool present = false;
      for (const nlohmann::json& reference : references) {
        present = present || (reference.is_object() && reference.value("uid", "") == owner.uid);
      }
      if (!present) {
        references.push_back({{"apiVersion", owner.api_version},
                              {"kind", owner.kind},
                              {"name", owner.name},
                              {"uid", owner.uid}});
      }
    }
  }

  static bool is_managed(const nlohmann::json& metadata) {
    const auto labels = metadata.find("labels");
    if (labels == metadata.end() || !labels->is_object()) return false;
    const auto managed = labels->find(kManagedLabel);
    return managed != labels->end() && managed->is_string() && *managed == "true";
  }

  ApiResponse send(const char* method, const std::string& path, const std::string& body) {
    return api_.send(ApiRequest{method, path, body, "application/json", what_});
  }

  Step fail(const ApiResponse& response, const char* step) {
    result_.http_status = response.status;
    return fail_with(api_failure(response, what_, step, kRbacHint));
  }

  Step fail_with(std::string message) {
    result_.outcome = SyncOutcome::Failed;
    result_.error = std::move(message);
    result_.uid.clear();
    return Step::Fail;
  }

  ApiClient& api_;
  const std::string& namespace_;
  const DesiredSecret& desired_;
  const std::vector<OwnerReference>& owners_;
  const std::string what_;
  const std::string path_;
  SyncResult result_;
};

}  // namespace

SyncResult sync_secret(ApiClient& api, const std::string& namespace_name,
                       const DesiredSecret& desired, const std::vector<OwnerReference>& owners) {
  return SecretSync(api, namespace_name, desired, owners).run();
}

}  // namespace sscsi::kube
