#include "mock_harness.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace sscsi::mock_test {

MockPlugin::MockPlugin() : PluginLibrary(SSCSI_MOCK_PLUGIN_PATH, "the mock plugin") {}

const MockPlugin& MockPlugin::get() {
  static const MockPlugin plugin;
  return plugin;
}

CreateResult create_instance(const sscsi_host_api* host, const char* config_json,
                             std::size_t error_len) {
  return MockPlugin::get().create(host, config_json, error_len);
}

MockInstance::MockInstance(FakeHost& host, const std::string& config_json) {
  const CreateResult created = create_instance(host.api(), config_json.c_str());
  if (created.status != SSCSI_OK) {
    throw std::runtime_error("create failed: " + created.error);
  }
  instance_ = created.instance;
}

MockInstance::~MockInstance() { MockPlugin::get().table().destroy(instance_); }

MountAnswer MockInstance::mount(const MountCall& call) const {
  static std::atomic<std::uint64_t> next_call_id{1};
  const std::string attributes =
      call.raw_attributes ? *call.raw_attributes : attributes_json(call.parameters);
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  sscsi_mount_request request{};
  request.struct_size = call.request_size;
  request.default_file_mode = call.default_file_mode;
  request.call_id = next_call_id++;
  request.deadline_unix_ms = call.deadline_unix_ms.value_or(now_ms + 3600 * 1000);
  request.attributes_json = call.null_attributes ? nullptr : attributes.c_str();
  request.secrets_json = "{}";
  request.target_path = call.target_path.c_str();
  request.current_versions = nullptr;
  request.n_current_versions = 0;

  FakeSink sink(call.sink_size);
  sink.refuse_files_with(call.refuse_files_with);
  MockPlugin::get().table().mount(instance_, &request, sink.sink());
  return sink.answer();
}

MountAnswer MockInstance::mount(const std::map<std::string, std::string>& parameters) const {
  MountCall call;
  call.parameters = parameters;
  return mount(call);
}

std::string objects_yaml(const std::vector<std::string>& objects) {
  std::string yaml = "array:\n";
  for (const std::string& object : objects) {
    yaml += "  - |\n";
    std::istringstream lines(object);
    for (std::string line; std::getline(lines, line);) yaml += "    " + line + "\n";
  }
  return yaml;
}

std::string attributes_json(const std::map<std::string, std::string>& parameters) {
  nlohmann::json attributes = {
      {"csi.storage.k8s.io/pod.name", "pod-a"},
      {"csi.storage.k8s.io/pod.namespace", "team-a"},
      {"csi.storage.k8s.io/pod.uid", "0f0e0d0c-0b0a-0908-0706-050403020100"},
      {"csi.storage.k8s.io/serviceAccount.name", "app"},
      {"csi.storage.k8s.io/serviceAccount.tokens",
       nlohmann::json{{"api://AzureADTokenExchange",
                       {{"token", kTokenMarker}, {"expirationTimestamp", "2030-01-01T00:00:00Z"}}}}
           .dump()},
      {"secretProviderClass", "mock-example"},
  };
  for (const auto& [key, value] : parameters) attributes[key] = value;
  // Invalid UTF-8 in a test value becomes U+FFFD, as the host's JSON encoder would make it.
  return attributes.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string fnv1a64_version(const std::string& content) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : content) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string("fnv1a64:") + hex;
}

}  // namespace sscsi::mock_test
