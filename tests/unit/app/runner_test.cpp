#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "app/app.h"

namespace sscsi::app {
namespace {

// Steps that record their name into a shared trace and then do what they were built to do.
class AppRunnerTest : public testing::Test {
 protected:
  Action proceeds(const std::string& name) {
    return {name, [this, name](State&) {
              trace_.push_back(name);
              return ActionResult::next();
            }};
  }
  Action stops(const std::string& name, int code, const std::string& message) {
    return {name, [this, name, code, message](State&) {
              trace_.push_back(name);
              return ActionResult::stop(code, message);
            }};
  }
  Action throws(const std::string& name) {
    return {name, [this, name](State&) -> ActionResult {
              trace_.push_back(name);
              throw std::runtime_error("disk on fire");
            }};
  }

  State state_{Options{}};
  std::vector<std::string> trace_;
};

TEST_F(AppRunnerTest, RunsEveryStepInOrderThenShutdown) {
  const RunOutcome outcome = run_actions({proceeds("a"), proceeds("b"), proceeds("c")},
                                         {proceeds("z1"), proceeds("z2")}, state_);
  EXPECT_EQ(trace_, (std::vector<std::string>{"a", "b", "c", "z1", "z2"}));
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.message, "");
  EXPECT_EQ(outcome.stopped_at, "");
}

TEST_F(AppRunnerTest, AStoppingStepEndsStartupButShutdownStillRuns) {
  const RunOutcome outcome =
      run_actions({proceeds("a"), stops("b", 1, "required plugin missing"), proceeds("c")},
                  {proceeds("z")}, state_);
  EXPECT_EQ(trace_, (std::vector<std::string>{"a", "b", "z"}));
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.message, "required plugin missing");
  EXPECT_EQ(outcome.stopped_at, "b");
}

TEST_F(AppRunnerTest, AStepMayStopWithSuccess) {
  const RunOutcome outcome =
      run_actions({stops("describe", 0, "described"), proceeds("never")}, {}, state_);
  EXPECT_EQ(trace_, (std::vector<std::string>{"describe"}));
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.stopped_at, "describe");
}

TEST_F(AppRunnerTest, AThrowingStepStopsWithExitOneNamingTheStep) {
  const RunOutcome outcome =
      run_actions({proceeds("a"), throws("load_plugins"), proceeds("c")}, {proceeds("z")}, state_);
  EXPECT_EQ(trace_, (std::vector<std::string>{"a", "load_plugins", "z"}));
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.message, "load_plugins failed: disk on fire");
  EXPECT_EQ(outcome.stopped_at, "load_plugins");
}

TEST_F(AppRunnerTest, AFailingShutdownStepTurnsSuccessIntoFailureAndTheRestStillRun) {
  const RunOutcome outcome =
      run_actions({proceeds("a")}, {throws("z1"), stops("z2", 3, "x"), proceeds("z3")}, state_);
  EXPECT_EQ(trace_, (std::vector<std::string>{"a", "z1", "z2", "z3"}));
  EXPECT_EQ(outcome.exit_code, 1);
}

TEST_F(AppRunnerTest, AFailingShutdownStepKeepsAnEarlierFailureCode) {
  const RunOutcome outcome = run_actions({stops("a", 4, "first problem")}, {throws("z")}, state_);
  EXPECT_EQ(outcome.exit_code, 4);
  EXPECT_EQ(outcome.message, "first problem");
}

TEST(AppDaemonSteps, SignalsAreBlockedAndMemoryProtectedBeforePluginsLoadAndTheWaitComesLast) {
  std::vector<std::string> names;
  for (const Action& action : startup_actions()) names.push_back(action.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"init_logging", "block_signals", "protect_memory",
                                      "log_startup", "load_plugins", "check_required_plugins",
                                      "connect_cluster", "start_csi_server", "start_rotation",
                                      "start_http_servers", "wait_for_signal"}));
  std::vector<std::string> shutdown;
  for (const Action& action : shutdown_actions()) shutdown.push_back(action.name);
  EXPECT_EQ(shutdown, (std::vector<std::string>{"shutdown"}));
}

}  // namespace
}  // namespace sscsi::app
