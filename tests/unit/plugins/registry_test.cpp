// The provider registry, with fake providers.

#include "plugins/registry.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace sscsi::plugins {
namespace {

// Records begin_shutdown and destruction into a shared journal.
class FakeProvider : public Provider {
 public:
  FakeProvider(std::string name, std::shared_ptr<std::vector<std::string>> journal)
      : name_(std::move(name)), journal_(std::move(journal)) {}
  ~FakeProvider() override { journal_->push_back("destroyed " + name_); }
  const std::string& name() const override { return name_; }
  const std::string& version() const override { return version_; }
  const std::string& path() const override { return path_; }
  std::string config_schema() const override { return {}; }
  std::string health() const override { return {}; }
  MountAnswer mount(const MountCall&) override { return {}; }
  void begin_shutdown() override { journal_->push_back("shutdown " + name_); }

 private:
  std::string name_;
  std::string version_ = "1";
  std::string path_ = "/x.so";
  std::shared_ptr<std::vector<std::string>> journal_;
};

TEST(PluginRegistry, AddFindAndListSortedByName) {
  auto journal = std::make_shared<std::vector<std::string>>();
  Registry registry;
  EXPECT_TRUE(registry.add(std::make_unique<FakeProvider>("zeta", journal)));
  EXPECT_TRUE(registry.add(std::make_unique<FakeProvider>("alpha", journal)));
  ASSERT_NE(registry.find("zeta"), nullptr);
  EXPECT_EQ(registry.find("zeta")->name(), "zeta");
  EXPECT_EQ(registry.find("missing"), nullptr);
  const auto all = registry.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->name(), "alpha");
  EXPECT_EQ(all[1]->name(), "zeta");
}

TEST(PluginRegistry, ATakenNameIsRefusedAndNothingAdded) {
  auto journal = std::make_shared<std::vector<std::string>>();
  Registry registry;
  auto first = std::make_unique<FakeProvider>("same", journal);
  const Provider* kept = first.get();
  EXPECT_TRUE(registry.add(std::move(first)));
  EXPECT_FALSE(registry.add(std::make_unique<FakeProvider>("same", journal)));
  EXPECT_FALSE(registry.add(nullptr));
  EXPECT_EQ(registry.find("same"), kept);
  EXPECT_EQ(registry.all().size(), 1u);
  EXPECT_EQ(*journal, std::vector<std::string>{"destroyed same"});  // the refused one
}

TEST(PluginRegistry, ShutdownTellsEveryProviderBeforeDestroyingAny) {
  auto journal = std::make_shared<std::vector<std::string>>();
  {
    Registry registry;
    registry.add(std::make_unique<FakeProvider>("a", journal));
    registry.add(std::make_unique<FakeProvider>("b", journal));
  }
  EXPECT_EQ(*journal,
            (std::vector<std::string>{"shutdown a", "shutdown b", "destroyed a", "destroyed b"}));
}

}  // namespace
}  // namespace sscsi::plugins
