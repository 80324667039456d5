// Reading --plugin-config files (the loader-level cases are in loader_handshake_test.cpp).

#include "plugins/plugin_config.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

namespace sscsi::plugins {
namespace {

class PluginConfig : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(PluginConfig, ObjectIsReturnedAsCompactJson) {
  const auto file = dir_.write_file("c.json", "{\n  \"tenant\": \"t\",\n  \"retries\": 3\n}\n");
  auto config = read_plugin_config(file);
  ASSERT_TRUE(config.ok()) << config.reason();
  EXPECT_EQ(config.value(), R"({"retries":3,"tenant":"t"})");
}

TEST_F(PluginConfig, ExactlyOneMebibyteIsAccepted) {
  const std::string prefix = R"({"k":")";
  const std::string suffix = R"("})";
  const std::string text =
      prefix + std::string(kMaxPluginConfigBytes - prefix.size() - suffix.size(), 'x') + suffix;
  ASSERT_EQ(text.size(), kMaxPluginConfigBytes);
  EXPECT_TRUE(read_plugin_config(dir_.write_file("c.json", text)).ok());
}

// Whoever can edit the configuration can point the plugin's credentials elsewhere: it must be
// as well guarded as the plugins themselves.
TEST_F(PluginConfig, AFileOthersMayChangeIsRefused) {
  const auto file = dir_.write_file("c.json", R"({"tenant": "t"})");
  ASSERT_EQ(::chmod(file.c_str(), 0664), 0);
  EXPECT_EQ(read_plugin_config(file).reason(),
            fmt::format("config file {} is group-writable (mode 0664); remove that permission "
                        "(chmod g-w)",
                        file.string()));
  ASSERT_EQ(::chmod(file.c_str(), 0646), 0);
  EXPECT_EQ(read_plugin_config(file).reason(),
            fmt::format("config file {} is world-writable (mode 0646); remove that permission "
                        "(chmod o-w)",
                        file.string()));
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  if (::geteuid() == 0) {  // only root can give a file away
    ASSERT_EQ(::chown(file.c_str(), 4321, 4321), 0);
    EXPECT_EQ(read_plugin_config(file).reason(),
              fmt::format("config file {} is owned by uid 4321; it must be owned by root (uid 0)",
                          file.string()));
    ASSERT_EQ(::chown(file.c_str(), 0, 0), 0);
  }
  EXPECT_TRUE(read_plugin_config(file).ok());
}

TEST_F(PluginConfig, AFileInADirectoryOthersMayWriteIsRefused) {
  const auto file = dir_.write_file("c.json", R"({"tenant": "t"})");
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0757), 0);
  EXPECT_EQ(read_plugin_config(file).reason(),
            fmt::format("config file {} is inside {}, which is world-writable (mode 0757); "
                        "remove that permission (chmod o-w)",
                        file.string(), dir_.path().string()));
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  EXPECT_TRUE(read_plugin_config(file).ok());
}

TEST_F(PluginConfig, EmptyFile) {
  const auto file = dir_.write_file("c.json", "");
  EXPECT_EQ(read_plugin_config(file).reason(),
            fmt::format("config file {} is not valid JSON: parse error at line 1, column 1: "
                        "syntax error while parsing value - unexpected end of input; expected "
                        "'[', '{{', or a literal",
                        file.string()));
}

// nlohmann reports a number beyond a double as out_of_range, not as a parse_error.
TEST_F(PluginConfig, NumberBeyondADoubleIsNotValidJson) {
  const auto file = dir_.write_file("c.json", R"({"tenant": "t", "retries": 1e400})");
  EXPECT_EQ(read_plugin_config(file).reason(),
            fmt::format("config file {} is not valid JSON: a number is out of range (larger "
                        "than a double can hold)",
                        file.string()));
}

TEST_F(PluginConfig, ScalarsAreNotObjects) {
  for (const auto& [text, phrase] : {std::pair{"\"s\"", "a string"}, std::pair{"1", "a number"},
                                     std::pair{"true", "a boolean"}, std::pair{"null", "null"}}) {
    const auto file = dir_.write_file("c.json", text);
    EXPECT_EQ(read_plugin_config(file).reason(),
              fmt::format("config file {} must hold a JSON object, not {}", file.string(), phrase));
  }
}

TEST_F(PluginConfig, DirectoryIsNotAConfigFile) {
  EXPECT_EQ(read_plugin_config(dir_.path()).reason(),
            fmt::format("config file {} is not a regular file", dir_.path().string()));
}

}  // namespace
}  // namespace sscsi::plugins
