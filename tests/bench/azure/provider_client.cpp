#include "provider_client.h"

#include <algorithm>
#include <cstdint>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace sscsi::bench {
namespace {

namespace pb = ::v1alpha1;
using Clock = std::chrono::steady_clock;

// The API version the upstream driver announces in VersionRequest.
constexpr const char* kApiVersion = "v1alpha1";

double millis_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// As the upstream driver dials a provider: insecure (the socket's file mode is the only
// protection), authority forced to "localhost" (some providers check it), 4 MiB receive limit
// (its --max-call-recv-msg-size default).
std::shared_ptr<grpc::Channel> provider_channel(const std::filesystem::path& socket) {
  grpc::ChannelArguments arguments;
  arguments.SetString(GRPC_ARG_DEFAULT_AUTHORITY, "localhost");
  arguments.SetMaxReceiveMessageSize(4 * 1024 * 1024);
  return grpc::CreateCustomChannel("unix:" + socket.string(), grpc::InsecureChannelCredentials(),
                                   arguments);
}

pb::VersionRequest version_request() {
  pb::VersionRequest request;
  request.set_version(kApiVersion);
  return request;
}

}  // namespace

pb::MountRequest mount_request(std::string attributes_json, std::string secrets_json,
                               std::string target_path) {
  pb::MountRequest request;
  request.set_attributes(std::move(attributes_json));
  request.set_secrets(std::move(secrets_json));
  request.set_target_path(std::move(target_path));
  request.set_permission("420");
  return request;
}

std::string mount_failure(const ProviderAnswer<pb::MountResponse>& answer) {
  if (!answer.call.status.ok()) return describe(answer.call.status);
  if (answer.response.has_error() && !answer.response.error().code().empty()) {
    return fmt::format("the provider answered error code {:?}", answer.response.error().code());
  }
  if (answer.response.object_version().empty()) {
    return "the provider answered no object versions (the driver fails such a mount)";
  }
  return {};
}

std::string wait_until_serving(const std::filesystem::path& socket,
                               std::chrono::milliseconds timeout,
                               const std::function<bool()>& alive) {
  const auto deadline = Clock::now() + timeout;
  std::string last = fmt::format("{} never appeared", socket.string());
  while (Clock::now() < deadline) {
    if (!alive()) return "the provider process ended";
    std::error_code ec;
    if (std::filesystem::exists(socket, ec)) {
      auto stub = pb::CSIDriverProvider::NewStub(provider_channel(socket));
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
      pb::VersionResponse response;
      const grpc::Status status = stub->Version(&context, version_request(), &response);
      if (status.ok()) return {};
      last = fmt::format("Version on {}: {}", socket.string(), describe(status));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

ProviderClient::ProviderClient(const std::filesystem::path& socket,
                               std::chrono::seconds call_timeout)
    : call_timeout_(call_timeout),
      channel_(provider_channel(socket)),
      stub_(pb::CSIDriverProvider::NewStub(channel_)) {}

std::chrono::system_clock::time_point ProviderClient::deadline() const {
  return std::chrono::system_clock::now() + call_timeout_;
}

ProviderAnswer<pb::VersionResponse> ProviderClient::version() {
  grpc::ClientContext context;
  context.set_deadline(deadline());
  ProviderAnswer<pb::VersionResponse> answer;
  const auto start = Clock::now();
  answer.call.status = stub_->Version(&context, version_request(), &answer.response);
  answer.call.millis = millis_between(start, Clock::now());
  return answer;
}

ProviderAnswer<pb::MountResponse> ProviderClient::mount(const pb::MountRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(deadline());
  ProviderAnswer<pb::MountResponse> answer;
  const auto start = Clock::now();
  answer.call.status = stub_->Mount(&context, request, &answer.response);
  answer.call.millis = millis_between(start, Clock::now());
  return answer;
}

// Every call is prepared first, then all are started back to back, then the answers are
// collected in the order they come.
MountStormResult ProviderClient::mount_storm(const std::vector<pb::MountRequest>& requests) {
  struct Call {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncResponseReader<pb::MountResponse>> reader;
    Clock::time_point sent;
  };
  grpc::CompletionQueue queue;
  MountStormResult result;
  result.answers.resize(requests.size());
  result.call_millis.resize(requests.size());
  std::vector<std::unique_ptr<Call>> calls;
  calls.reserve(requests.size());
  const auto call_deadline = deadline();
  for (const pb::MountRequest& request : requests) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(call_deadline);
    call->reader = stub_->PrepareAsyncMount(&call->context, request, &queue);
    calls.push_back(std::move(call));
  }

  const Clock::time_point first_send = Clock::now();
  for (std::size_t i = 0; i < calls.size(); ++i) {
    Call& call = *calls[i];
    call.sent = Clock::now();
    call.reader->StartCall();
    call.reader->Finish(&result.answers[i].response, &result.answers[i].call.status,
                        reinterpret_cast<void*>(static_cast<std::uintptr_t>(i)));
  }
  Clock::time_point last_answer = first_send;
  for (std::size_t answered = 0; answered < calls.size(); ++answered) {
    void* tag = nullptr;
    bool ok = false;
    if (!queue.Next(&tag, &ok)) break;  // not before Shutdown: every call has a deadline
    const Clock::time_point now = Clock::now();
    const auto index = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(tag));
    result.call_millis[index] = millis_between(calls[index]->sent, now);
    result.answers[index].call.millis = result.call_millis[index];
    last_answer = std::max(last_answer, now);
  }
  result.wall_millis = millis_between(first_send, last_answer);
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

}  // namespace sscsi::bench
