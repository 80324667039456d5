// Checks of the provider table, on hand-made tables (the plugin-driven cases are in
// loader_handshake_test.cpp).

#include "plugins/table_checks.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace sscsi::plugins {
namespace {

sscsi_status fake_create(const sscsi_host_api*, const char*, void**, char*, std::size_t) {
  return SSCSI_OK;
}
void fake_mount(void*, const sscsi_mount_request*, const sscsi_mount_sink*) {}
void fake_destroy(void*) {}
const char* fake_schema() { return "{}"; }

sscsi_provider valid_table() {
  sscsi_provider table{};
  table.struct_size = sizeof(sscsi_provider);
  table.abi_major = SSCSI_ABI_MAJOR;
  table.abi_minor = SSCSI_ABI_MINOR;
  table.name = "demo";
  table.version = "1.0.0";
  table.create = fake_create;
  table.mount = fake_mount;
  table.destroy = fake_destroy;
  table.config_schema = fake_schema;
  return table;
}

TEST(PluginTableChecks, ValidTableIsCopied) {
  const sscsi_provider table = valid_table();
  auto checked = check_provider_table(&table);
  ASSERT_TRUE(checked.ok()) << checked.reason();
  EXPECT_EQ(checked.value().mount, &fake_mount);
  EXPECT_EQ(checked.value().config_schema, &fake_schema);
}

TEST(PluginTableChecks, NullTable) {
  EXPECT_EQ(check_provider_table(nullptr).reason(), "plugin refused host ABI 1.0");
}

TEST(PluginTableChecks, StructSizeTooSmallForTheVersion) {
  sscsi_provider table = valid_table();
  table.struct_size = 8;
  EXPECT_EQ(check_provider_table(&table).reason(),
            "table struct_size 8 is too small to hold the ABI version (12 bytes)");
}

TEST(PluginTableChecks, MembersBeyondStructSizeAreNeverRead) {
  // An ABI 1.0 table followed by bytes that would be garbage pointers if read.
  std::vector<unsigned char> memory(sizeof(sscsi_provider), 0xAB);
  sscsi_provider table = valid_table();
  table.struct_size = static_cast<std::uint32_t>(kProviderAbi10Size);
  std::memcpy(memory.data(), &table, kProviderAbi10Size);
  auto checked = check_provider_table(reinterpret_cast<const sscsi_provider*>(memory.data()));
  ASSERT_TRUE(checked.ok()) << checked.reason();
  EXPECT_EQ(checked.value().config_schema, nullptr);
  EXPECT_EQ(checked.value().health, nullptr);
  EXPECT_EQ(checked.value().struct_size, kProviderAbi10Size);
}

TEST(PluginTableChecks, EachRequiredMember) {
  const auto reason_without = [](auto clear) {
    sscsi_provider table = valid_table();
    clear(table);
    return check_provider_table(&table).reason();
  };
  EXPECT_EQ(reason_without([](sscsi_provider& t) { t.name = nullptr; }),
            "required table member name is NULL");
  EXPECT_EQ(reason_without([](sscsi_provider& t) { t.version = nullptr; }),
            "required table member version is NULL");
  EXPECT_EQ(reason_without([](sscsi_provider& t) { t.create = nullptr; }),
            "required table member create is NULL");
  EXPECT_EQ(reason_without([](sscsi_provider& t) { t.mount = nullptr; }),
            "required table member mount is NULL");
  EXPECT_EQ(reason_without([](sscsi_provider& t) { t.destroy = nullptr; }),
            "required table member destroy is NULL");
}

TEST(PluginTableChecks, ProviderNames) {
  EXPECT_FALSE(provider_name_problem("azure"));
  EXPECT_FALSE(provider_name_problem("a"));
  EXPECT_FALSE(provider_name_problem("Mock_provider-2"));
  EXPECT_FALSE(provider_name_problem(std::string(30, 'x')));
  EXPECT_EQ(provider_name_problem(""), "provider name is empty");
  EXPECT_EQ(provider_name_problem("a.b"),
            "provider name 'a.b' does not match ^[a-zA-Z0-9_-]{1,30}$");
  EXPECT_EQ(provider_name_problem("a\nb"),
            "provider name 'a\\nb' does not match ^[a-zA-Z0-9_-]{1,30}$");
  EXPECT_EQ(provider_name_problem(std::string(31, 'x')),
            fmt::format("provider name '{}' is 31 bytes long, more than the limit of 30",
                        std::string(31, 'x')));
}

}  // namespace
}  // namespace sscsi::plugins
