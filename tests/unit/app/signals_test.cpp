#include "app/signals.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <csignal>
#include <ctime>

#include "app/actions/actions.h"

namespace sscsi::app {
namespace {

// Restores the thread's signal mask and SIGPIPE's disposition, and takes any handled signal a
// failed test left pending, so that nothing leaks into other tests.
class AppSignalsTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, nullptr, &saved_mask_), 0);
    ASSERT_EQ(sigaction(SIGPIPE, nullptr, &saved_sigpipe_), 0);
  }
  void TearDown() override {
    const sigset_t handled = handled_signals();
    const timespec no_wait{0, 0};
    while (sigtimedwait(&handled, nullptr, &no_wait) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
    sigaction(SIGPIPE, &saved_sigpipe_, nullptr);
  }

  static bool blocked(int signal_number) {
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    return sigismember(&mask, signal_number) == 1;
  }

  sigset_t saved_mask_{};
  struct sigaction saved_sigpipe_ {};
};

TEST_F(AppSignalsTest, BlockingCoversStopSignalsAndHangupAndIgnoresSigpipe) {
  block_handled_signals();
  EXPECT_TRUE(blocked(SIGTERM));
  EXPECT_TRUE(blocked(SIGINT));
  EXPECT_TRUE(blocked(SIGHUP));
  EXPECT_FALSE(blocked(SIGUSR1));
  struct sigaction sigpipe {};
  ASSERT_EQ(sigaction(SIGPIPE, nullptr, &sigpipe), 0);
  EXPECT_EQ(sigpipe.sa_handler, SIG_IGN);
}

TEST_F(AppSignalsTest, WaitTakesAPendingSignal) {
  block_handled_signals();
  ASSERT_EQ(raise(SIGINT), 0);  // pending, not delivered: it is blocked
  EXPECT_EQ(wait_for_handled_signal(), SIGINT);
}

TEST_F(AppSignalsTest, WaitStepIgnoresHangupAndStopsOnTerm) {
  block_handled_signals();
  // Both pending; Linux hands out the lower number (SIGHUP) first.
  ASSERT_EQ(raise(SIGTERM), 0);
  ASSERT_EQ(raise(SIGHUP), 0);
  State state{Options{}};
  const ActionResult result = actions::wait_for_signal(state);
  EXPECT_TRUE(result.proceed);
  EXPECT_EQ(state.stop_signal, SIGTERM);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGHUP));
}

TEST(AppSignalName, NamesTheHandledSignals) {
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGINT), "SIGINT");
  EXPECT_EQ(signal_name(SIGHUP), "SIGHUP");
  EXPECT_EQ(signal_name(SIGUSR1), "signal 10");
}

}  // namespace
}  // namespace sscsi::app
