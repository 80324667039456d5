#pragma once
// One startup or shutdown step of sscsi-host: a named function of the state that either lets
// the next step run or ends the program with an exit code and a reason.

#include <functional>
#include <string>
#include <utility>

#include "app/state.h"

namespace sscsi::app {

struct ActionResult {
  bool proceed = true;
  int exit_code = 0;
  std::string message;  // why the program ends; empty when proceeding

  static ActionResult next() { return {}; }
  static ActionResult stop(int exit_code, std::string message) {
    return {false, exit_code, std::move(message)};
  }
};

struct Action {
  std::string name;  // shown in logs, e.g. "load_plugins"
  std::function<ActionResult(State&)> run;
};

}  // namespace sscsi::app
