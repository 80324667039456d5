#include "injected_latency.h"

#include <algorithm>
#include <string>
#include <thread>

#include "go_duration.h"
#include "mount_error.h"

namespace sscsi::mock {

void wait_injected_latency(std::chrono::nanoseconds latency, const CallCancellation& cancellation) {
  if (latency <= std::chrono::nanoseconds::zero()) return;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const Clock::time_point end = start + latency;
  while (true) {
    const Clock::time_point now = Clock::now();
    if (const auto reason = cancellation.reason()) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
      throw MountError(SSCSI_DEADLINE_EXCEEDED, "gave up after " + format_go_duration(elapsed) +
                                                    " of injected latency: " + *reason);
    }
    if (now >= end) return;
    std::this_thread::sleep_for(std::min<Clock::duration>(end - now, kLatencyPollInterval));
  }
}

}  // namespace sscsi::mock
