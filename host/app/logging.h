#pragma once
// The host's logging: spdlog's default logger, named "host", writing to stderr. Plugin loggers
// are clones of it named after the plugin, so they share its sink, format and level.

#include <memory>

#include <spdlog/common.h>
#include <spdlog/formatter.h>

namespace sscsi::app {

// klog-style -v mapped onto spdlog levels: 0-1 info, 2-4 debug, 5 trace.
spdlog::level::level_enum level_for_verbosity(int verbosity);

// Text lines: `2026-11-29T02:12:01.123Z I [host] message` (UTC, level letter, logger name).
std::unique_ptr<spdlog::formatter> make_text_formatter();

// Replaces the default logger by one named "host" on stderr, with JSON lines when `json` is
// true, else text, at the level for `verbosity`.
void init_logging(int verbosity, bool json);

}  // namespace sscsi::app
