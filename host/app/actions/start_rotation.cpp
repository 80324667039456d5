#include <spdlog/spdlog.h>

#include "app/actions/actions.h"
#include "app/duration.h"

namespace sscsi::app::actions {

// Refreshes every mount once per --rotation-poll-interval without waiting for the kubelet's
// republish (which still refreshes too, at most once per interval).
ActionResult start_rotation(State& state) {
  const Options& options = state.options;
  if (!options.enable_secret_rotation) return ActionResult::next();
  const auto interval =
      std::chrono::ceil<std::chrono::milliseconds>(options.rotation_poll_interval);
  rotation::SchedulerOptions scheduler;
  scheduler.schedule.interval = interval;
  scheduler.schedule.backoff = rotation::Backoff::for_interval(interval);
  state.rotation = std::make_unique<rotation::Scheduler>(scheduler, *state.pipeline);
  state.pipeline->observe(state.rotation.get());
  state.rotation->start();
  spdlog::info(
      "secret rotation on: each mount is refreshed once per {} (+ up to 10% jitter), {} at once; "
      "a failed refresh backs off from {} up to {}",
      format_duration(interval), scheduler.concurrency,
      format_duration(scheduler.schedule.backoff.initial),
      format_duration(scheduler.schedule.backoff.cap));
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
