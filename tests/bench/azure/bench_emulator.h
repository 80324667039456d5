#pragma once
// The Azure emulator (tests/fixtures/azure_emulator) as the benchmark runs it: HTTPS on
// 127.0.0.1:443 with a serving certificate made by `azure_emulator.py make-pki`, so that both
// the upstream provider (real host names, /etc/hosts of netns-run) and the sscsi plugin reach it
// as Key Vault and Entra ID; admin API on a plain-HTTP port of the same private namespace.
// (The fixture's C++ AzureEmulator always picks free ports, and upstream can only use 443.)

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "child_process.h"

namespace sscsi::bench::azure {

struct EmulatorSetup {
  std::filesystem::path python;
  std::filesystem::path script;   // azure_emulator.py
  std::filesystem::path pki_dir;  // ca.crt, server.crt, server.key from make-pki
  std::filesystem::path log_file;
  int https_port = 443;
  int http_port = 8080;
};

// Requests by kind (kv-401-challenge, token, openid, kv-get, …) since the last clear.
struct RequestCounts {
  std::map<std::string, long> by_kind;
  long of(const std::string& kind) const;
  long total() const;
  // "kv-get 10, token 1, …" in a fixed order, kinds with 0 left out.
  std::string describe() const;
};

class BenchEmulator {
 public:
  // Starts the emulator and waits until its admin API answers. Throws std::runtime_error.
  explicit BenchEmulator(EmulatorSetup setup);
  ~BenchEmulator();
  BenchEmulator(const BenchEmulator&) = delete;
  BenchEmulator& operator=(const BenchEmulator&) = delete;

  // POST/GET/DELETE /admin/<route>; throws std::runtime_error unless 2xx.
  nlohmann::json admin(const std::string& method, const std::string& route,
                       const nlohmann::json& body = nlohmann::json::object()) const;

  // Every HTTPS request (Key Vault, token, discovery; all kinds) waits `millis` before it is
  // answered; 0 removes the rule.
  void set_latency(int millis);
  void clear_requests();
  RequestCounts counts() const;

 private:
  EmulatorSetup setup_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace sscsi::bench::azure
