#include "bad_input_cases.h"

#include <sys/mount.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "csi_requests.h"
#include "spc_files.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

namespace fs = std::filesystem;
namespace pb = ::csi::v1;
using namespace std::chrono_literals;
using Code = grpc::StatusCode;
using Mutator = std::function<void(pb::NodePublishVolumeRequest&, const CaseEnv&)>;

constexpr const char* kPodUid = "pod-1";
constexpr const char* kNotKubelet =
    "\" is not a kubelet pod volume path (.../pods/<pod uid>/volumes/kubernetes.io~csi/<volume "
    "name>/mount); run the host with --allow-any-target to publish elsewhere";
constexpr const char* kPodInfo = "; the CSIDriver object must set podInfoOnMount: true";
constexpr const char* kKnownKeys =
    "objectName, objectAlias, objectVersion, filePermission, content, contentFile";
constexpr const char* kObjectsShape =
    "must be a YAML mapping with one key, array, whose value is a list of objects";

std::string app_class(std::map<std::string, std::string> parameters,
                      const std::string& name = "app", const std::string& ns = "default",
                      std::optional<std::string> provider = "mock") {
  return spc_yaml(SpcSpec{.name = name,
                          .namespace_name = ns,
                          .provider = std::move(provider),
                          .parameters = std::move(parameters)});
}

std::string one_object(const MockObject& fields) { return mock_objects_yaml({fields}); }

const std::string kValidObjects = one_object({{"objectName", "token"}, {"content", "t0ken"}});

std::vector<std::pair<std::string, std::string>> valid_class_files() {
  return {{"app.yaml", app_class({{"objects", kValidObjects}})}};
}

std::function<grpc::Status(const CsiHost&, const CaseEnv&)> publish_with(
    Mutator mutate, std::chrono::milliseconds timeout = 30s) {
  return [mutate = std::move(mutate), timeout](const CsiHost& host, const CaseEnv& env) {
    pb::NodePublishVolumeRequest request = publish_request(env.target, kPodUid, "app");
    if (mutate) mutate(request, env);
    return host.publish(request, timeout);
  };
}

// A malformed NodePublishVolume request, refused before anything else happens.
BadInput request_case(std::string name, Code code, std::string message, Mutator mutate,
                      std::string other_target = "") {
  BadInput c;
  c.name = std::move(name);
  c.code = code;
  c.message = std::move(message);
  c.spc_files = valid_class_files();
  c.call = publish_with(std::move(mutate));
  c.other_target = std::move(other_target);
  return c;
}

// A publish whose request carries `target` (expanded) instead of the kubelet target.
BadInput target_case(std::string name, std::string target, std::string message) {
  return request_case(
      std::move(name), Code::INVALID_ARGUMENT, std::move(message),
      [target](pb::NodePublishVolumeRequest& r, const CaseEnv& env) {
        r.set_target_path(expand(target, env));
      },
      target);
}

Mutator drop_context_key(std::string key) {
  return [key](pb::NodePublishVolumeRequest& r, const CaseEnv&) {
    r.mutable_volume_context()->erase(key);
  };
}

// A publish the host refuses because of the target directory as it finds it.
BadInput target_state_case(std::string name, Code code, std::string message,
                           std::function<void(const CaseEnv&)> prepare) {
  BadInput c;
  c.name = std::move(name);
  c.code = code;
  c.message = std::move(message);
  c.spc_files = valid_class_files();
  c.prepare = std::move(prepare);
  c.call = publish_with(nullptr);
  return c;
}

// A publish that fails while the host looks up the SecretProviderClass.
BadInput class_case(std::string name, Code code, std::string message,
                    std::vector<std::pair<std::string, std::string>> files,
                    std::string spc_name = "app") {
  BadInput c;
  c.name = std::move(name);
  c.code = code;
  c.message = std::move(message);
  c.spc_files = std::move(files);
  c.call = publish_with([spc_name](pb::NodePublishVolumeRequest& r, const CaseEnv&) {
    (*r.mutable_volume_context())["secretProviderClass"] = spc_name;
  });
  return c;
}

// A publish whose class sends the mock `parameters`; the message is the mock's, after the host's
// "provider mock: " prefix.
BadInput mock_case(std::string name, Code code, const std::string& message,
                   std::map<std::string, std::string> parameters,
                   std::function<void(const CaseEnv&)> prepare = nullptr,
                   MessageMatch match = MessageMatch::Exact,
                   std::chrono::milliseconds timeout = 30s) {
  BadInput c;
  c.name = std::move(name);
  c.code = code;
  c.message = (match == MessageMatch::Exact ? "provider mock: " : "") + message;
  c.match = match;
  c.spc_files = {{"app.yaml", app_class(std::move(parameters))}};
  c.prepare = std::move(prepare);
  c.call = publish_with(nullptr, timeout);
  return c;
}

BadInput object_case(std::string name, const std::string& message, const MockObject& object) {
  return mock_case(std::move(name), Code::INVALID_ARGUMENT, message,
                   {{"objects", one_object(object)}});
}

BadInput injected_case(std::string name, Code code, const std::string& fail_with,
                       const std::string& fail_message, const std::string& expected) {
  std::map<std::string, std::string> parameters{{"objects", kValidObjects},
                                                {"failWith", fail_with}};
  if (!fail_message.empty()) parameters["failMessage"] = fail_message;
  return mock_case(std::move(name), code, expected, std::move(parameters));
}

// A publish served by one of the broken test plugins; the message follows the host's
// "provider <variant>: " prefix.
BadInput plugin_case(const std::string& variant, Code code, const std::string& message,
                     MessageMatch match = MessageMatch::Exact,
                     std::chrono::milliseconds timeout = 30s) {
  BadInput c;
  c.name = "plugin_" + variant;
  c.code = code;
  c.message = message;  // the host's own checks name the provider; so does a plugin's error
  c.match = match;
  // The test plugins ignore their parameters, but the host wants a class with some.
  c.spc_files = {{"app.yaml", app_class({{"unused", "x"}}, "app", "default", variant)}};
  c.call = publish_with(nullptr, timeout);
  return c;
}

BadInput unpublish_case(std::string name, Code code, std::string message, std::string volume_id,
                        std::string target, std::function<void(const CaseEnv&)> prepare = nullptr) {
  BadInput c;
  c.name = std::move(name);
  c.code = code;
  c.message = std::move(message);
  c.prepare = std::move(prepare);
  c.other_target = target;
  c.call = [volume_id, target](const CsiHost& host, const CaseEnv& env) {
    return host.unpublish(volume_id, expand(target, env));
  };
  return c;
}

BadInput stage_case(std::string name, std::string message, bool stage, std::string volume_id,
                    std::string staging_path, bool capability) {
  BadInput c;
  c.name = std::move(name);
  c.code = Code::INVALID_ARGUMENT;
  c.message = std::move(message);
  c.call = [=](const CsiHost& host, const CaseEnv& env) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    if (stage) {
      pb::NodeStageVolumeRequest request;
      request.set_volume_id(volume_id);
      request.set_staging_target_path(expand(staging_path, env));
      if (capability) request.mutable_volume_capability()->mutable_mount();
      pb::NodeStageVolumeResponse response;
      return host.node().NodeStageVolume(&context, request, &response);
    }
    pb::NodeUnstageVolumeRequest request;
    request.set_volume_id(volume_id);
    request.set_staging_target_path(expand(staging_path, env));
    pb::NodeUnstageVolumeResponse response;
    return host.node().NodeUnstageVolume(&context, request, &response);
  };
  return c;
}

void mount_foreign_tmpfs(const fs::path& dir) {
  fs::create_directory(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=1m") != 0) {
    throw std::runtime_error("test set-up: cannot mount tmpfs at " + dir.string());
  }
}

std::vector<BadInput> request_cases() {
  const std::string t = "Target path \"";
  return {
      request_case("no_volume_capability", Code::INVALID_ARGUMENT,
                   "Volume capability missing in request",
                   [](auto& r, const auto&) { r.clear_volume_capability(); }),
      request_case("no_volume_id", Code::INVALID_ARGUMENT, "Volume ID missing in request",
                   [](auto& r, const auto&) { r.clear_volume_id(); }),
      request_case("no_target_path", Code::INVALID_ARGUMENT, "Target path missing in request",
                   [](auto& r, const auto&) { r.clear_target_path(); }),
      request_case("no_volume_context", Code::INVALID_ARGUMENT,
                   "Volume attributes missing in request",
                   [](auto& r, const auto&) { r.clear_volume_context(); }),
      request_case("block_capability", Code::INVALID_ARGUMENT,
                   "Volume capability asks for block access; secrets-store volumes are mounted "
                   "directories, so a mount capability is required",
                   [](auto& r, const auto&) { r.mutable_volume_capability()->mutable_block(); }),
      request_case("capability_without_access_type", Code::INVALID_ARGUMENT,
                   "Volume capability has no access type; a mount capability is required",
                   [](auto& r, const auto&) { r.mutable_volume_capability()->clear_mount(); }),
      target_case("relative_target", "pods/pod-1/volumes/kubernetes.io~csi/secrets/mount",
                  t + "pods/pod-1/volumes/kubernetes.io~csi/secrets/mount\" is not absolute"),
      target_case("target_with_dotdot_element",
                  "{root}/pods/pod-1/volumes/../volumes/kubernetes.io~csi/secrets/mount",
                  t + "{root}/pods/pod-1/volumes/../volumes/kubernetes.io~csi/secrets/mount\" is "
                      "not clean: it contains a '..' element"),
      target_case("target_with_dot_element",
                  "{root}/pods/pod-1/./volumes/kubernetes.io~csi/secrets/mount",
                  t + "{root}/pods/pod-1/./volumes/kubernetes.io~csi/secrets/mount\" is not "
                      "clean: it contains a '.' element"),
      target_case("target_with_double_slash",
                  "{root}/pods/pod-1//volumes/kubernetes.io~csi/secrets/mount",
                  t + "{root}/pods/pod-1//volumes/kubernetes.io~csi/secrets/mount\" is not "
                      "clean: it contains '//'"),
      target_case("target_with_trailing_slash", "{target}/",
                  t + "{target}/\" is not clean: it ends with '/'"),
      target_case("target_is_root", "/", t + "/\" is the root directory"),
      request_case("target_with_nul_byte", Code::INVALID_ARGUMENT,
                   t + "{target}\\x00x\" contains a NUL byte",
                   [](auto& r, const CaseEnv& env) {
                     r.set_target_path(env.target.string() + std::string("\0x", 2));
                   }),
      target_case("target_with_a_line_break",
                  "/var/lib/kubelet/pods/p\n/volumes/kubernetes.io~csi/s/mount",
                  t + "/var/lib/kubelet/pods/p\\n/volumes/kubernetes.io~csi/s/mount\" contains the "
                      "control character 0x0a at byte 23"),
      target_case(
          "target_longer_than_path_max", "/" + std::string(4200, 'a'),
          t + "/" + std::string(4200, 'a') + "\" is 4201 bytes long; paths are limited to 4095"),
      target_case("target_outside_kubelet_pods", "{root}/elsewhere/mount",
                  t + "{root}/elsewhere/mount" + kNotKubelet),
      target_case("target_of_another_volume_plugin",
                  "{root}/pods/pod-1/volumes/kubernetes.io~secret/secrets/mount",
                  t + "{root}/pods/pod-1/volumes/kubernetes.io~secret/secrets/mount" + kNotKubelet),
      target_case("target_without_mount_element",
                  "{root}/pods/pod-1/volumes/kubernetes.io~csi/secrets",
                  t + "{root}/pods/pod-1/volumes/kubernetes.io~csi/secrets" + kNotKubelet),
      request_case("no_secret_provider_class", Code::UNKNOWN, "secretProviderClass is not set",
                   drop_context_key("secretProviderClass")),
      request_case(
          "empty_secret_provider_class", Code::UNKNOWN, "secretProviderClass is not set",
          [](auto& r, const auto&) { (*r.mutable_volume_context())["secretProviderClass"] = ""; }),
      request_case("no_pod_name", Code::INVALID_ARGUMENT,
                   std::string("volume_context has no csi.storage.k8s.io/pod.name") + kPodInfo,
                   drop_context_key("csi.storage.k8s.io/pod.name")),
      request_case("no_pod_namespace", Code::INVALID_ARGUMENT,
                   std::string("volume_context has no csi.storage.k8s.io/pod.namespace") + kPodInfo,
                   drop_context_key("csi.storage.k8s.io/pod.namespace")),
      request_case("no_pod_uid", Code::INVALID_ARGUMENT,
                   std::string("volume_context has no csi.storage.k8s.io/pod.uid") + kPodInfo,
                   drop_context_key("csi.storage.k8s.io/pod.uid")),
      request_case("readonly_false", Code::INVALID_ARGUMENT, "Readonly is not true in request",
                   [](auto& r, const auto&) { r.set_readonly(false); }),
      request_case("pod_uid_mismatch", Code::INVALID_ARGUMENT,
                   t + "{target}\" belongs to pod uid \"pod-1\", but volume_context "
                       "csi.storage.k8s.io/pod.uid is \"pod-2\"",
                   [](auto& r, const auto&) {
                     (*r.mutable_volume_context())["csi.storage.k8s.io/pod.uid"] = "pod-2";
                   }),
  };
}

std::vector<BadInput> target_state_cases() {
  return {
      target_state_case("target_is_a_regular_file", Code::INTERNAL,
                        "preparing {target}: cannot mount tmpfs at {target}: it is not a "
                        "directory",
                        [](const CaseEnv& env) { write_text(env.target, "not a directory"); }),
      target_state_case("target_parent_missing", Code::FAILED_PRECONDITION,
                        "the parent directory of {target} does not exist",
                        [](const CaseEnv& env) { fs::remove(env.target.parent_path()); }),
      target_state_case(
          "target_is_a_foreign_mount", Code::FAILED_PRECONDITION,
          "{target} is already a mount point that sscsi did not make; refusing to mount over it",
          [](const CaseEnv& env) { mount_foreign_tmpfs(env.target); }),
      target_state_case("target_is_a_symlink", Code::FAILED_PRECONDITION,
                        "{target} is a symbolic link; refusing to mount through it",
                        [](const CaseEnv& env) {
                          fs::create_directory(env.root / "victim");
                          fs::create_directory_symlink(env.root / "victim", env.target);
                        }),
  };
}

std::vector<BadInput> unpublish_and_stage_cases() {
  const std::string t = "Target path \"";
  return {
      unpublish_case("unpublish_no_volume_id", Code::INVALID_ARGUMENT,
                     "Volume ID missing in request", "", "{target}"),
      unpublish_case("unpublish_no_target_path", Code::INVALID_ARGUMENT,
                     "Target path missing in request", "csi-pod-1", ""),
      unpublish_case("unpublish_relative_target", Code::INVALID_ARGUMENT,
                     t + "pods/pod-1/volumes/kubernetes.io~csi/secrets/mount\" is not absolute",
                     "csi-pod-1", "pods/pod-1/volumes/kubernetes.io~csi/secrets/mount"),
      unpublish_case(
          "unpublish_target_outside_kubelet_pods", Code::INVALID_ARGUMENT,
          t + "{root}/elsewhere/mount" + kNotKubelet, "csi-pod-1", "{root}/elsewhere/mount",
          [](const CaseEnv& env) { fs::create_directories(env.root / "elsewhere/mount"); }),
      unpublish_case("unpublish_foreign_mount", Code::FAILED_PRECONDITION,
                     "{target} is a mount point that sscsi did not make; refusing to unmount it",
                     "csi-pod-1", "{target}",
                     [](const CaseEnv& env) { mount_foreign_tmpfs(env.target); }),
      unpublish_case("unpublish_foreign_files", Code::FAILED_PRECONDITION,
                     "{target} is not empty and holds files sscsi did not write; refusing to "
                     "delete them",
                     "csi-pod-1", "{target}",
                     [](const CaseEnv& env) {
                       fs::create_directory(env.target);
                       write_text(env.target / "foreign.txt", "not ours");
                     }),
      stage_case("stage_no_volume_id", "Volume ID missing in request", true, "", "{root}/staging",
                 true),
      stage_case("stage_no_staging_path", "Staging target path missing in request", true,
                 "csi-pod-1", "", true),
      stage_case("stage_no_volume_capability", "Volume capability missing in request", true,
                 "csi-pod-1", "{root}/staging", false),
      stage_case("unstage_no_volume_id", "Volume ID missing in request", false, "",
                 "{root}/staging", false),
      stage_case("unstage_no_staging_path", "Staging target path missing in request", false,
                 "csi-pod-1", "", false),
  };
}

std::vector<BadInput> class_cases() {
  const std::string valid = app_class({{"objects", kValidObjects}});
  const std::string not_found = "SecretProviderClass default/app not found in {spc}";
  return {
      class_case("class_missing", Code::NOT_FOUND,
                 "SecretProviderClass default/nope not found in {spc}", valid_class_files(),
                 "nope"),
      class_case("class_in_another_namespace", Code::NOT_FOUND, not_found,
                 {{"app.yaml", app_class({{"objects", kValidObjects}}, "app", "other")}}),
      class_case(
          "class_without_provider", Code::INVALID_ARGUMENT,
          "SecretProviderClass default/app has no spec.provider",
          {{"app.yaml", app_class({{"objects", kValidObjects}}, "app", "default", std::nullopt)}}),
      class_case("class_without_parameters", Code::INVALID_ARGUMENT,
                 "SecretProviderClass default/app has no spec.parameters",
                 {{"app.yaml", app_class({})}}),
      class_case(
          "class_provider_not_loaded", Code::NOT_FOUND,
          "provider 'vault' named by SecretProviderClass default/app is not loaded "
          "(loaded: {loaded})",
          {{"app.yaml", app_class({{"objects", kValidObjects}}, "app", "default", "vault")}}),
      class_case("class_file_not_yaml", Code::NOT_FOUND,
                 not_found + " (files that could not be read; {spc}/app.yaml: not valid YAML: "
                             "yaml-cpp: error at line 4, column 5: end of map flow not found)",
                 {{"app.yaml",
                   "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
                   "metadata: {name: app, namespace: default\nspec:\n  provider: mock\n"}}),
      class_case("class_wrong_api_version", Code::NOT_FOUND,
                 not_found + " (files that could not be read; {spc}/app.yaml (document 1): "
                             "apiVersion 'v1' is not secrets-store.csi.x-k8s.io/v1 or "
                             "secrets-store.csi.x-k8s.io/v1alpha1)",
                 {{"app.yaml",
                   "apiVersion: v1\nkind: SecretProviderClass\nmetadata: {name: app}\n"
                   "spec: {provider: mock, parameters: {objects: x}}\n"}}),
      class_case("class_without_name", Code::NOT_FOUND,
                 not_found + " (files that could not be read; {spc}/app.yaml (document 1): "
                             "metadata.name is missing)",
                 {{"app.yaml",
                   "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
                   "metadata: {namespace: default}\nspec: {provider: mock}\n"}}),
      class_case("class_parameter_not_a_string", Code::NOT_FOUND,
                 not_found + " (files that could not be read; {spc}/app.yaml (document 1): "
                             "spec.parameters.objects must be a string)",
                 {{"app.yaml",
                   "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\n"
                   "metadata: {name: app}\nspec: {provider: mock, parameters: {objects: [1]}}\n"}}),
      class_case("class_defined_twice", Code::INVALID_ARGUMENT,
                 "SecretProviderClass default/app is defined twice, in {spc}/a.yaml and "
                 "{spc}/b.yaml",
                 {{"a.yaml", valid}, {"b.yaml", valid}}),
  };
}

std::vector<BadInput> mock_parameter_cases() {
  const MockObject db{{"objectName", "db"}, {"content", "x"}};
  auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
    MockObject object = db;
    object.insert(object.end(), extra.begin(), extra.end());
    return object;
  };
  const std::string db_label = "objects[0] (objectName \"db\"): ";
  auto content_file = [](const std::string& path) {
    return MockObject{{"objectName", "db"}, {"contentFile", path}};
  };
  // The path may name {content} or {root}: the class text is expanded when it is written.
  auto content_file_case = [&](std::string name, Code code, const std::string& message,
                               const std::string& path,
                               std::function<void(const CaseEnv&)> prepare = nullptr) {
    return mock_case(std::move(name), code, message, {{"objects", one_object(content_file(path))}},
                     std::move(prepare));
  };
  return {
      mock_case("mock_objects_missing", Code::INVALID_ARGUMENT,
                "parameter objects is not set; it lists the objects the volume holds",
                {{"latency", "1ms"}}),
      mock_case("mock_objects_not_yaml", Code::INVALID_ARGUMENT,
                "objects: not valid YAML: line 1, column 1: end of sequence flow not found",
                {{"objects", "array: [unclosed"}}),
      mock_case("mock_objects_not_a_mapping", Code::INVALID_ARGUMENT,
                std::string("objects: ") + kObjectsShape, {{"objects", "- a\n- b\n"}}),
      mock_case("mock_objects_unknown_key", Code::INVALID_ARGUMENT,
                std::string("objects: unknown key \"arrays\"; the parameter ") + kObjectsShape,
                {{"objects", "arrays:\n  - |\n    objectName: a\n    content: x\n"}}),
      mock_case("mock_objects_empty_array", Code::INVALID_ARGUMENT,
                "objects: array lists no objects; a mount needs at least one",
                {{"objects", "array: []\n"}}),
      mock_case("mock_object_not_a_string", Code::INVALID_ARGUMENT,
                "objects[0]: must be a string holding a YAML mapping (write each list item as a "
                "block: \"- |\")",
                {{"objects", "array:\n  - objectName: a\n    content: x\n"}}),
      mock_case(
          "mock_object_not_a_mapping", Code::INVALID_ARGUMENT,
          std::string("objects[0]: must be a YAML mapping of object fields (") + kKnownKeys + ")",
          {{"objects", "array:\n  - just text\n"}}),
      object_case("mock_object_unknown_key",
                  db_label + "unknown key \"objectAlais\" (known keys: " + kKnownKeys + ")",
                  with({{"objectAlais", "renamed"}})),
      mock_case(
          "mock_object_key_twice", Code::INVALID_ARGUMENT, db_label + "content is given twice",
          {{"objects", "array:\n  - |\n    objectName: db\n    content: a\n    content: b\n"}}),
      object_case("mock_object_without_name", "objects[0]: objectName is missing or empty",
                  {{"content", "x"}}),
      object_case("mock_file_permission_not_octal",
                  db_label + "filePermission \"99x\" is not an octal mode",
                  with({{"filePermission", "99x"}})),
      object_case("mock_file_permission_above_0777",
                  db_label + "filePermission \"01000\" is above 0777 (only permission bits are "
                             "allowed)",
                  with({{"filePermission", "01000"}})),
      object_case("mock_content_and_content_file",
                  db_label + "has both content and contentFile; give exactly one",
                  with({{"contentFile", "/etc/hostname"}})),
      object_case("mock_neither_content_nor_content_file",
                  db_label + "has neither content nor contentFile; give exactly one",
                  {{"objectName", "db"}}),
      object_case("mock_alias_absolute",
                  db_label + "output path \"/etc/x\" (from objectAlias) is absolute; it must be "
                             "relative to the volume",
                  with({{"objectAlias", "/etc/x"}})),
      object_case("mock_alias_dotdot",
                  db_label + "output path \"a/../b\" (from objectAlias) contains a '..' element",
                  with({{"objectAlias", "a/../b"}})),
      object_case("mock_alias_reserved_name",
                  db_label + "output path \"..data\" (from objectAlias) starts with '..', which "
                             "the volume reserves for its own bookkeeping",
                  with({{"objectAlias", "..data"}})),
      mock_case(
          "mock_duplicate_output_path", Code::INVALID_ARGUMENT,
          "objects[1] (objectName \"b\"): output path \"a\" is already used by objects[0] "
          "(objectName \"a\")",
          {{"objects",
            mock_objects_yaml({{{"objectName", "a"}, {"content", "x"}},
                               {{"objectName", "b"}, {"objectAlias", "a"}, {"content", "y"}}})}}),
      mock_case(
          "mock_file_and_directory_conflict", Code::INVALID_ARGUMENT,
          "objects[1] (objectName \"b\"): output path \"a/b\" conflicts with \"a\" of "
          "objects[0] (objectName \"a\") (one would be a file and a directory)",
          {{"objects",
            mock_objects_yaml({{{"objectName", "a"}, {"content", "x"}},
                               {{"objectName", "b"}, {"objectAlias", "a/b"}, {"content", "y"}}})}}),
      content_file_case("mock_content_file_outside_allowed_dirs", Code::INVALID_ARGUMENT,
                        db_label + "contentFile \"/etc/hostname\" is outside the allowed content "
                                   "directories (\"{content}\") of the mock plugin's config",
                        "/etc/hostname"),
      content_file_case("mock_content_file_dotdot_escape", Code::INVALID_ARGUMENT,
                        db_label + "contentFile \"{content}/../mock.json\" is outside the allowed "
                                   "content directories (\"{content}\") of the mock plugin's "
                                   "config",
                        "{content}/../mock.json"),
      content_file_case(
          "mock_content_file_symlink_escape", Code::INVALID_ARGUMENT,
          db_label + "contentFile \"{content}/link\" resolves through a symbolic link to a file "
                     "outside the allowed content directories (\"{content}\") of the mock "
                     "plugin's config",
          "{content}/link",
          [](const CaseEnv& env) {
            fs::create_symlink(env.root / "mock.json", env.content / "link");
          }),
      content_file_case("mock_content_file_missing", Code::NOT_FOUND,
                        db_label + "contentFile \"{content}/missing\" does not exist",
                        "{content}/missing"),
      content_file_case("mock_content_file_relative", Code::INVALID_ARGUMENT,
                        db_label + "contentFile \"relative/file\" is not an absolute path",
                        "relative/file"),
      content_file_case("mock_content_file_is_a_directory", Code::INVALID_ARGUMENT,
                        db_label + "contentFile \"{content}/subdir\" is not a regular file",
                        "{content}/subdir",
                        [](const CaseEnv& env) { fs::create_directory(env.content / "subdir"); }),
      mock_case("mock_fail_with_unknown_code", Code::INVALID_ARGUMENT,
                "failWith \"Nope\" is not one of InvalidParameters, NotFound, Unauthorized, "
                "Throttled, Unavailable, Internal",
                {{"objects", kValidObjects}, {"failWith", "Nope"}}),
      mock_case("mock_fail_first_without_fail_with", Code::INVALID_ARGUMENT,
                "failFirst is set but failWith is not; it only shapes an injected failure",
                {{"objects", kValidObjects}, {"failFirst", "1"}}),
      mock_case("mock_fail_first_not_a_number", Code::INVALID_ARGUMENT,
                "failFirst \"x\" is not a non-negative whole number",
                {{"objects", kValidObjects}, {"failWith", "Internal"}, {"failFirst", "x"}}),
      mock_case("mock_latency_not_a_duration", Code::INVALID_ARGUMENT,
                "latency \"2 seconds\" is not a duration (examples: \"250ms\", \"2s\", \"1m30s\")",
                {{"objects", kValidObjects}, {"latency", "2 seconds"}}),
      mock_case("mock_retry_after_negative", Code::INVALID_ARGUMENT,
                "retryAfter \"-1s\" is negative",
                {{"objects", kValidObjects}, {"failWith", "Throttled"}, {"retryAfter", "-1s"}}),
      // The host gives the provider its deadline minus a reserve for cleaning up, then answers.
      mock_case("mock_latency_past_the_deadline", Code::DEADLINE_EXCEEDED,
                "(provider mock did not answer within [0-9]+ms|provider mock: gave up after "
                "[0-9.]+m?s of injected latency: (deadline passed|call cancelled))",
                {{"objects", kValidObjects}, {"latency", "10s"}}, nullptr, MessageMatch::Regex, 2s),
  };
}

std::vector<BadInput> injected_failure_cases() {
  return {
      injected_case("fail_with_invalid_parameters", Code::INVALID_ARGUMENT, "InvalidParameters", "",
                    "injected failure"),
      injected_case("fail_with_not_found", Code::NOT_FOUND, "NotFound",
                    "secret db-password not found in vault",
                    "secret db-password not found in vault"),
      injected_case("fail_with_unauthorized", Code::PERMISSION_DENIED, "Unauthorized",
                    "identity app may not read db-password",
                    "identity app may not read db-password"),
      injected_case("fail_with_throttled", Code::RESOURCE_EXHAUSTED, "Throttled",
                    "too many requests", "too many requests"),
      injected_case("fail_with_unavailable", Code::UNAVAILABLE, "Unavailable",
                    "vault is unreachable", "vault is unreachable"),
      injected_case("fail_with_internal", Code::INTERNAL, "Internal", "", "injected failure"),
      injected_case("fail_message_with_a_bearer_token_is_redacted", Code::PERMISSION_DENIED,
                    "Unauthorized",
                    "token endpoint refused Authorization: Bearer abcdefghijklmnop1234",
                    "token endpoint refused Authorization: Bearer [REDACTED]"),
  };
}

std::vector<BadInput> broken_plugin_cases() {
  const std::string long_path_shown = std::string(100, 'a') + "/" + std::string(19, 'a') + "…";
  const std::string long_element_shown = std::string(120, 'a') + "…";
  auto invalid_path = [](const std::string& variant, const std::string& shown,
                         const std::string& problem) {
    return plugin_case(variant, Code::INTERNAL,
                       fmt::format("provider {} added a file with an invalid path '{}': {}",
                                   variant, shown, problem));
  };
  return {
      invalid_path("path_empty", "", "path is empty"),
      invalid_path("path_absolute", "/etc/passwd", "path is absolute"),
      invalid_path("path_dotdot", "a/../b", "path contains a '..' element"),
      invalid_path("path_dot_slash", "./a", "path is not clean: it contains a '.' element"),
      invalid_path("path_double_slash", "a//b", "path is not clean: it contains '//'"),
      invalid_path("path_trailing_slash", "a/", "path is not clean: it ends with '/'"),
      invalid_path("path_too_long", long_path_shown,
                   "path is 4097 bytes long, more than the limit of 4096"),
      invalid_path("path_element_too_long", long_element_shown,
                   "path element is 256 bytes long, more than the limit of 255"),
      plugin_case("mode_out_of_range", Code::INTERNAL,
                  "provider mode_out_of_range added file 'a.txt' with an invalid mode: mode 01000 "
                  "is outside 0..0777"),
      plugin_case("duplicate_path", Code::INTERNAL,
                  "provider duplicate_path added file 'a.txt' twice; every path must be unique"),
      plugin_case("no_versions", Code::INTERNAL,
                  "provider no_versions answered with no object versions; a successful answer "
                  "records at least one"),
      plugin_case("duplicate_version_id", Code::INTERNAL,
                  "provider duplicate_version_id added object version id 'secret/a' twice; ids "
                  "must be unique"),
      plugin_case("empty_version_id", Code::INTERNAL,
                  "provider empty_version_id added an object version with an empty id; ids must "
                  "be non-empty"),
      plugin_case("error_without_message", Code::INTERNAL,
                  "provider error_without_message reported error Throttled without a message"),
      plugin_case("error_with_ok_code", Code::INTERNAL,
                  "provider error_with_ok_code called set_error with SSCSI_OK; a failure needs an "
                  "error code"),
      plugin_case("error_unknown_code", Code::INTERNAL,
                  "provider error_unknown_code reported an unknown status code 42"),
      plugin_case("error_throttled", Code::RESOURCE_EXHAUSTED,
                  "provider error_throttled: vault asked us to slow down; the request had "
                  "Authorization: Bearer [REDACTED]"),
      // Sleeps past its deadline without polling call_cancelled: the host stops waiting.
      plugin_case("outlives_deadline", Code::DEADLINE_EXCEEDED,
                  "provider outlives_deadline did not answer within [0-9]+ms", MessageMatch::Regex,
                  2s),
  };
}

}  // namespace

std::string expand(const std::string& text, const CaseEnv& env) {
  const std::vector<std::pair<std::string, std::string>> names{{"{root}", env.root.string()},
                                                               {"{target}", env.target.string()},
                                                               {"{spc}", env.spc.string()},
                                                               {"{content}", env.content.string()},
                                                               {"{loaded}", env.loaded}};
  std::string out = text;
  for (const auto& [name, value] : names) {
    for (std::size_t at = out.find(name); at != std::string::npos;
         at = out.find(name, at + value.size())) {
      out.replace(at, name.size(), value);
    }
  }
  return out;
}

const std::vector<std::string>& bad_input_plugins() {
  static const std::vector<std::string> variants{
      "path_empty",        "path_absolute",         "path_dotdot",        "path_dot_slash",
      "path_double_slash", "path_trailing_slash",   "path_too_long",      "path_element_too_long",
      "mode_out_of_range", "duplicate_path",        "no_versions",        "duplicate_version_id",
      "empty_version_id",  "error_without_message", "error_with_ok_code", "error_unknown_code",
      "error_throttled",   "outlives_deadline"};
  return variants;
}

std::vector<BadInput> bad_input_cases() {
  std::vector<BadInput> all;
  for (auto group :
       {request_cases(), target_state_cases(), unpublish_and_stage_cases(), class_cases(),
        mock_parameter_cases(), injected_failure_cases(), broken_plugin_cases()}) {
    all.insert(all.end(), std::make_move_iterator(group.begin()),
               std::make_move_iterator(group.end()));
  }
  return all;
}

void PrintTo(const BadInput& input, std::ostream* out) { *out << input.name; }

}  // namespace sscsi::testing_support
