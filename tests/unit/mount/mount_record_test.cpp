// The JSON form of a mount record: round trip, field names, and a clear error for every kind of
// damage.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mount/error.h"
#include "mount/mount_record.h"

namespace sscsi::mount {
namespace {

using namespace std::chrono_literals;

MountRecord sample() {
  MountRecord record;
  record.target_path = "/var/lib/kubelet/pods/1234/volumes/kubernetes.io~csi/secrets/mount";
  record.volume_id = "csi-0123456789abcdef";
  record.pod_namespace = "default";
  record.pod_name = "web-0";
  record.pod_uid = "1234";
  record.service_account = "web";
  record.secret_provider_class = "azure-kv";
  record.provider = "azure";
  record.objects = {{"secret/db", "v1"}, {"cert/tls", ""}};
  record.first_mount = std::chrono::system_clock::time_point{1714564800123ms};
  record.last_refresh = record.first_mount + 2min + 5ms;
  return record;
}

TEST(MountRecord, RoundTrips) {
  const MountRecord record = sample();
  EXPECT_EQ(record_from_json(record_to_json(record)), record);

  MountRecord empty;
  empty.target_path = "/t";
  EXPECT_EQ(record_from_json(record_to_json(empty)), empty);
}

TEST(MountRecord, WritesTheDocumentedFields) {
  const nlohmann::json json = nlohmann::json::parse(record_to_json(sample()));
  EXPECT_EQ(json["format"], 1);
  EXPECT_EQ(json["target_path"], sample().target_path);
  EXPECT_EQ(json["pod"]["namespace"], "default");
  EXPECT_EQ(json["pod"]["name"], "web-0");
  EXPECT_EQ(json["pod"]["uid"], "1234");
  EXPECT_EQ(json["service_account"], "web");
  EXPECT_EQ(json["secret_provider_class"], "azure-kv");
  EXPECT_EQ(json["provider"], "azure");
  EXPECT_EQ(json["objects"][0]["id"], "secret/db");
  EXPECT_EQ(json["objects"][0]["version"], "v1");
  EXPECT_EQ(json["first_mount"], "2024-05-01T12:00:00.123Z");
  EXPECT_EQ(json["last_refresh"], "2024-05-01T12:02:00.128Z");
  EXPECT_EQ(json.size(), 10u);
}

TEST(MountRecord, ReportsEveryKindOfDamage) {
  const auto with = [](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json json = nlohmann::json::parse(record_to_json(sample()));
    change(json);
    return json.dump();
  };
  struct Case {
    std::string json;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {"{not json", "not valid JSON"},
      {"", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {with([](auto& j) { j.erase("format"); }), "field \"format\" is missing"},
      {with([](auto& j) { j["format"] = 2; }), "format 2 is not the supported format 1"},
      {with([](auto& j) { j["format"] = "1"; }), "field \"format\" is not a format number"},
      {with([](auto& j) { j.erase("volume_id"); }), "field \"volume_id\" is missing"},
      {with([](auto& j) { j["provider"] = 7; }), "field \"provider\" is not a string"},
      {with([](auto& j) { j["pod"] = "x"; }), "field \"pod\" is not an object"},
      {with([](auto& j) { j["pod"].erase("uid"); }), "field \"uid\" is missing"},
      {with([](auto& j) { j["objects"] = nullptr; }), "field \"objects\" is not an array"},
      {with([](auto& j) { j["objects"][0] = 1; }),
       "an entry of field \"objects\" is not an object"},
      {with([](auto& j) { j["objects"][1].erase("version"); }), "field \"version\" is missing"},
      {with([](auto& j) { j["target_path"] = "relative"; }), "\"target_path\" is not absolute"},
      {with([](auto& j) { j["first_mount"] = "2024-13-01T00:00:00.000Z"; }),
       "field \"first_mount\" is not a time"},
      {with([](auto& j) { j["first_mount"] = "2024-02-30T00:00:00.000Z"; }),
       "field \"first_mount\" is not a time"},
      {with([](auto& j) { j["last_refresh"] = "2024-05-01T24:00:00.000Z"; }),
       "field \"last_refresh\" is not a time"},
      {with([](auto& j) { j["last_refresh"] = "2024-05-01 12:00:00"; }),
       "field \"last_refresh\" is not a time"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    try {
      record_from_json(c.json);
      ADD_FAILURE() << "accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(c.problem), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace sscsi::mount
