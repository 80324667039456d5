#pragma once
// The steps of sscsi-host, one file each (app.cpp puts them in order). Each takes the state and
// either lets the next step run or stops the program with an exit code and a reason.

#include <string>
#include <vector>

#include "app/action.h"
#include "app/state.h"

namespace sscsi::app::actions {

// Startup, in this order:
ActionResult init_logging(State& state);            // format and verbosity from the options
ActionResult block_signals(State& state);           // before any thread exists
ActionResult protect_memory(State& state);          // no core dumps: memory holds secrets
ActionResult log_startup(State& state);             // version and options, no secrets
ActionResult load_plugins(State& state);            // exit 1 when the directory is unusable
ActionResult check_required_plugins(State& state);  // exit 1 naming what is missing and why
ActionResult connect_cluster(State& state);         // SecretProviderClass source, cluster link
ActionResult start_csi_server(State& state);        // mount records, pipeline, CSI socket
ActionResult start_rotation(State& state);          // the refresh scheduler, when enabled
ActionResult start_http_servers(State& state);      // /metrics and /healthz; logs their address
ActionResult wait_for_signal(State& state);         // until SIGTERM or SIGINT

// Shutdown:
ActionResult shutdown(State& state);  // stops HTTP, then the CSI server, then unloads plugins

// Health, one reason per problem, empty when healthy (start_http_servers.cpp).
// Every --require-plugins plugin is loaded and its health() is empty. CSI Probe's answer.
std::vector<std::string> plugin_health_problems(const State& state);
// The plugin problems plus whether the CSI socket accepts connections. GET /healthz's answer.
std::vector<std::string> health_problems(const State& state);

}  // namespace sscsi::app::actions
