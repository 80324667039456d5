#pragma once
// Drives the built libsscsi-provider-mock.so exactly as a host would: dlopen, the entry
// handshake, create with a FakeHost, mount with a FakeSink. Deliberately independent of
// host/plugins, so that the plugin is tested against the ABI header alone.

#include <sscsi/provider.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fake_host.h"
#include "fake_sink.h"
#include "plugin_library.h"

namespace sscsi::mock_test {

inline constexpr const char* kTargetPath =
    "/var/lib/kubelet/pods/pod-a/volumes/kubernetes.io~csi/secrets/mount";
// Stands for a service-account token inside the attributes: it must never reach a log line or
// an error message.
inline constexpr const char* kTokenMarker = "eyJ-token-that-must-never-be-logged";

// The plugin library, loaded once per test process (RTLD_NOW | RTLD_LOCAL, as the host loads it).
class MockPlugin : public PluginLibrary {
 public:
  static const MockPlugin& get();

 private:
  MockPlugin();
};

// Calls create; on success the caller owns `instance` (pass it to table().destroy).
CreateResult create_instance(const sscsi_host_api* host, const char* config_json,
                             std::size_t error_len = 1024);

struct MountCall {
  // Declared so that MountCall is no aggregate: mount({{"objects", …}}) then means parameters.
  MountCall() = default;

  std::map<std::string, std::string> parameters;  // SecretProviderClass parameters
  std::optional<std::string> raw_attributes;      // replaces the JSON built from `parameters`
  bool null_attributes = false;                   // attributes_json = NULL
  std::string target_path = kTargetPath;
  std::uint32_t default_file_mode = 0644;
  std::optional<std::int64_t> deadline_unix_ms;  // default: an hour from now
  std::uint32_t request_size = sizeof(sscsi_mount_request);
  std::uint32_t sink_size = sizeof(sscsi_mount_sink);
  sscsi_status refuse_files_with = SSCSI_OK;
};

// One created instance, destroyed when it goes out of scope.
class MockInstance {
 public:
  explicit MockInstance(FakeHost& host, const std::string& config_json = "{}");
  MockInstance(const MockInstance&) = delete;
  MockInstance& operator=(const MockInstance&) = delete;
  ~MockInstance();

  // Runs one mount call; safe to use from several threads at once.
  MountAnswer mount(const MountCall& call) const;
  // Shorthand: a mount with these parameters and everything else default.
  MountAnswer mount(const std::map<std::string, std::string>& parameters) const;

 private:
  void* instance_ = nullptr;
};

// The `objects` parameter for these objects, each given as its YAML lines
// (e.g. "objectName: db\ncontent: s3cret"), in the Azure provider's YAML-in-YAML shape.
std::string objects_yaml(const std::vector<std::string>& objects);

// The attributes JSON as the host builds it: the parameters plus the pod's identity and a
// service-account token (kTokenMarker).
std::string attributes_json(const std::map<std::string, std::string>& parameters);

// The FNV-1a 64 version the plugin reports for `content`, from the published algorithm.
std::string fnv1a64_version(const std::string& content);

}  // namespace sscsi::mock_test
