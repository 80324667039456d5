#include "bench_emulator.h"

#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "http_call.h"

namespace sscsi::bench::azure {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);
// Kinds in the order a mount meets them; any other kind is listed after these.
const std::vector<std::string> kKindOrder = {"kv-401-challenge", "openid",   "token", "kv-get",
                                             "kv-list",          "kv-other", "imds",  "nmi",
                                             "unknown"};

}  // namespace

long RequestCounts::of(const std::string& kind) const {
  const auto found = by_kind.find(kind);
  return found == by_kind.end() ? 0 : found->second;
}

long RequestCounts::total() const {
  long sum = 0;
  for (const auto& [kind, count] : by_kind) sum += count;
  return sum;
}

std::string RequestCounts::describe() const {
  std::string text;
  const auto add = [&](const std::string& kind, long count) {
    if (count == 0) return;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", kind, count);
  };
  for (const std::string& kind : kKindOrder) add(kind, of(kind));
  for (const auto& [kind, count] : by_kind) {
    if (std::find(kKindOrder.begin(), kKindOrder.end(), kind) == kKindOrder.end()) add(kind, count);
  }
  return text.empty() ? "none" : text;
}

BenchEmulator::BenchEmulator(EmulatorSetup setup) : setup_(std::move(setup)) {
  std::vector<std::string> argv{setup_.python.string()};
  argv.insert(argv.end(),
              {setup_.script.string(), "--cert", (setup_.pki_dir / "server.crt").string(), "--key",
               (setup_.pki_dir / "server.key").string(), "--https-port",
               std::to_string(setup_.https_port), "--http-port", std::to_string(setup_.http_port)});
  process_ = std::make_unique<ChildProcess>(argv, setup_.log_file);
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  std::string last_problem = "no answer yet";
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->running()) {
      throw std::runtime_error(fmt::format("the Azure emulator ended ({}). Its log:\n{}",
                                           process_->describe_end(), log_tail(setup_.log_file)));
    }
    testing_support::HttpCall call;
    call.url = fmt::format("http://127.0.0.1:{}/admin/health", setup_.http_port);
    call.timeout = std::chrono::milliseconds(1000);
    const testing_support::HttpReply reply = testing_support::http_call(call);
    if (reply.status == 200) return;
    last_problem = reply.describe();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error(
      fmt::format("the Azure emulator did not answer on port {} ({}). Its log:\n{}",
                  setup_.http_port, last_problem, log_tail(setup_.log_file)));
}

BenchEmulator::~BenchEmulator() {
  if (process_->running()) {
    process_->send_signal(SIGTERM);
    process_->wait_for_exit(std::chrono::seconds(5));
  }
}

nlohmann::json BenchEmulator::admin(const std::string& method, const std::string& route,
                                    const nlohmann::json& body) const {
  testing_support::HttpCall call;
  call.method = method;
  call.url = fmt::format("http://127.0.0.1:{}/admin/{}", setup_.http_port, route);
  if (method != "GET") {
    call.body = body.dump();
    call.headers = {"Content-Type: application/json"};
  }
  const testing_support::HttpReply reply = testing_support::http_call(call);
  if (reply.status < 200 || reply.status > 299) {
    throw std::runtime_error(
        fmt::format("emulator admin {} {}: {}", method, route, reply.describe()));
  }
  return reply.body.empty() ? nlohmann::json::object() : reply.json();
}

void BenchEmulator::set_latency(int millis) {
  admin("DELETE", "faults");
  if (millis > 0) {
    // No match field: every request on the HTTPS port (the admin API is never faulted).
    admin("POST", "faults", {{"delayMs", millis}, {"count", -1}});
  }
}

void BenchEmulator::clear_requests() { admin("DELETE", "requests"); }

RequestCounts BenchEmulator::counts() const {
  RequestCounts counts;
  const nlohmann::json counters = admin("GET", "counters");
  for (auto entry = counters.begin(); entry != counters.end(); ++entry) {
    counts.by_kind[entry.key()] = entry.value().at("total").get<long>();
  }
  return counts;
}

}  // namespace sscsi::bench::azure
