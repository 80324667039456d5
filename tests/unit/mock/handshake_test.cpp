// The ABI surface: the entry handshake, the table, the one exported symbol, the config schema,
// and the size checks on the tables the host passes in.

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "mock_harness.h"

namespace sscsi::mock_test {
namespace {

TEST(MockHandshake, EntryHandsOutTheTableForEveryAbi1Host) {
  const sscsi_provider* table = MockPlugin::get().entry(SSCSI_ABI_MAJOR, SSCSI_ABI_MINOR);
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->struct_size, sizeof(sscsi_provider));
  EXPECT_EQ(table->abi_major, 1u);
  EXPECT_EQ(table->abi_minor, 0u);
  EXPECT_STREQ(table->name, "mock");
  ASSERT_NE(table->version, nullptr);
  EXPECT_STRNE(table->version, "");
  EXPECT_NE(table->create, nullptr);
  EXPECT_NE(table->mount, nullptr);
  EXPECT_NE(table->destroy, nullptr);
  EXPECT_NE(table->config_schema, nullptr);
  EXPECT_EQ(table->health, nullptr);
  // A newer 1.x host serves everything a 1.0 plugin uses.
  EXPECT_EQ(MockPlugin::get().entry(1, 7), table);
}

TEST(MockHandshake, EntryRefusesOtherMajors) {
  EXPECT_EQ(MockPlugin::get().entry(0, 0), nullptr);
  EXPECT_EQ(MockPlugin::get().entry(2, 0), nullptr);
}

TEST(MockHandshake, ExportsOnlyTheEntrySymbol) {
  const std::string command =
      std::string(SSCSI_NM) + " -D --defined-only '" + SSCSI_MOCK_PLUGIN_PATH + "'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr) << command;
  std::string output;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << command;

  std::set<std::string> symbols;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string address, type, name;
    fields >> address >> type >> name;
    if (!name.empty()) symbols.insert(name.substr(0, name.find('@')));
  }
  EXPECT_EQ(symbols, std::set<std::string>{"sscsi_provider_entry"}) << output;
}

TEST(MockHandshake, ConfigSchemaIsADraft2020JsonSchemaOfTheConfig) {
  const char* schema_text = MockPlugin::get().table().config_schema();
  ASSERT_NE(schema_text, nullptr);
  const nlohmann::json schema = nlohmann::json::parse(schema_text);
  EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema.at("type"), "object");
  EXPECT_EQ(schema.at("additionalProperties"), false);
  const nlohmann::json& dirs = schema.at("properties").at("allowedContentDirs");
  EXPECT_EQ(dirs.at("type"), "array");
  EXPECT_EQ(dirs.at("items").at("type"), "string");

  // Every property the schema names is one create accepts, with its documented default.
  nlohmann::json config = nlohmann::json::object();
  for (const auto& [key, property] : schema.at("properties").items()) {
    config[key] = property.at("default");
  }
  FakeHost host;
  const CreateResult created = create_instance(host.api(), config.dump().c_str());
  ASSERT_EQ(created.status, SSCSI_OK) << created.error;
  MockPlugin::get().table().destroy(created.instance);
}

TEST(MockHandshake, CreateRefusesAHostTableSmallerThanAbi1) {
  FakeHost host;
  const sscsi_host_api small = host.api_with_size(offsetof(sscsi_host_api, call_cancelled));
  const CreateResult created = create_instance(&small, "{}");
  EXPECT_EQ(created.status, SSCSI_INTERNAL);
  EXPECT_EQ(created.error, "the host's service table is smaller than ABI 1.0 (struct_size " +
                               std::to_string(offsetof(sscsi_host_api, call_cancelled)) + ")");
}

TEST(MockHandshake, CreateWithoutHostTableFailsCleanly) {
  const CreateResult created = create_instance(nullptr, "{}");
  EXPECT_EQ(created.status, SSCSI_INTERNAL);
  EXPECT_EQ(created.error, "mock provider: create was called without a host table");
}

TEST(MockHandshake, MountRefusesARequestSmallerThanAbi1) {
  FakeHost host;
  const MockInstance mock(host);
  MountCall call;
  call.parameters = {{"objects", objects_yaml({"objectName: a\ncontent: x"})}};
  call.request_size = offsetof(sscsi_mount_request, current_versions);
  const MountAnswer answer = mock.mount(call);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INTERNAL);
  EXPECT_EQ(answer.error->message, "the host's mount request is missing or smaller than ABI 1.0");
  EXPECT_TRUE(answer.files.empty());
}

TEST(MockHandshake, MountReportsASinkSmallerThanAbi1WhenItCan) {
  FakeHost host;
  const MockInstance mock(host);
  MountCall call;
  call.parameters = {{"objects", objects_yaml({"objectName: a\ncontent: x"})}};
  call.sink_size = offsetof(sscsi_mount_sink, set_share_scope);
  const MountAnswer answer = mock.mount(call);
  ASSERT_TRUE(answer.error);
  EXPECT_EQ(answer.error->code, SSCSI_INTERNAL);
  EXPECT_FALSE(answer.share_scope);
  EXPECT_EQ(answer.add_file_calls, 0);

  // Too small even for set_error: nothing can be said, and nothing is touched.
  call.sink_size = offsetof(sscsi_mount_sink, set_error);
  const MountAnswer silent = mock.mount(call);
  EXPECT_FALSE(silent.error);
  EXPECT_EQ(silent.add_file_calls, 0);
}

}  // namespace
}  // namespace sscsi::mock_test
