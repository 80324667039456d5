#pragma once
// The `latency` parameter: wait before answering, like a slow backend, but stop as soon as the
// call is cancelled so that a test of the host's deadline handling does not leak a thread.

#include <chrono>

#include "call_cancellation.h"

namespace sscsi::mock {

// How often cancellation is polled while waiting.
inline constexpr std::chrono::milliseconds kLatencyPollInterval{10};

// Waits `latency`. Throws MountError(SSCSI_DEADLINE_EXCEEDED), "gave up after <elapsed> of
// injected latency: <reason>", when `cancellation` fires first.
void wait_injected_latency(std::chrono::nanoseconds latency, const CallCancellation& cancellation);

}  // namespace sscsi::mock
