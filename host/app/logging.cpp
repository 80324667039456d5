#include "app/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/json_log_formatter.h"

namespace sscsi::app {

spdlog::level::level_enum level_for_verbosity(int verbosity) {
  if (verbosity >= 5) return spdlog::level::trace;
  if (verbosity >= 2) return spdlog::level::debug;
  return spdlog::level::info;
}

std::unique_ptr<spdlog::formatter> make_text_formatter() {
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %L [%n] %v",
                                                     spdlog::pattern_time_type::utc);
}

void init_logging(int verbosity, bool json) {
  // A plain stderr sink (no colour codes): the daemon's stderr goes to a log collector, and
  // spdlog's stdout/stderr sinks flush every line.
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  if (json) {
    sink->set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    sink->set_formatter(make_text_formatter());
  }
  auto logger = std::make_shared<spdlog::logger>("host", std::move(sink));
  const auto level = level_for_verbosity(verbosity);
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
  spdlog::set_level(level);
}

}  // namespace sscsi::app
