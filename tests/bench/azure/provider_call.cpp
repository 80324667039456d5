// sscsi-bench-provider-call: calls Version or Mount on a secrets-store provider's v1alpha1
// socket, as the upstream driver would, and prints what came back: versions, and for a Mount
// each file's path, mode and size and each object version. File contents are never printed
// (they are secrets), and the attributes (which carry service-account tokens) are read from a
// file, not from the command line. Exit status: 0 answered OK, 1 failed, 2 bad usage.
//
//   sscsi-bench-provider-call --socket /tmp/x/azure.sock --wait-ms 10000 version
//   sscsi-bench-provider-call --socket /tmp/x/azure.sock mount --attributes-file attrs.json

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "provider_client.h"

namespace {

namespace po = boost::program_options;
namespace pb = ::v1alpha1;
using sscsi::bench::ProviderAnswer;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot open {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(fmt::format("cannot read {}", path));
  return text.str();
}

void print_mount_contents(const pb::MountResponse& response) {
  for (const pb::File& file : response.files()) {
    std::cout << fmt::format("  file {} mode={:04o} bytes={}\n", file.path(), file.mode(),
                             file.contents().size());
  }
  for (const pb::ObjectVersion& version : response.object_version()) {
    std::cout << fmt::format("  object {} version={}\n", version.id(), version.version());
  }
}

int call_version(sscsi::bench::ProviderClient& client) {
  const auto answer = client.version();
  if (!answer.call.status.ok()) {
    std::cerr << "Version failed: " << sscsi::bench::describe(answer.call.status) << "\n";
    return 1;
  }
  std::cout << fmt::format("version={} runtime_name={} runtime_version={} ({:.1f} ms)\n",
                           answer.response.version(), answer.response.runtime_name(),
                           answer.response.runtime_version(), answer.call.millis);
  return 0;
}

int call_mount(sscsi::bench::ProviderClient& client, const pb::MountRequest& request,
               unsigned copies) {
  if (copies == 1) {
    const auto answer = client.mount(request);
    const std::string failure = sscsi::bench::mount_failure(answer);
    if (!failure.empty()) {
      std::cerr << fmt::format("Mount failed after {:.1f} ms: {}\n", answer.call.millis, failure);
      return 1;
    }
    std::cout << fmt::format("Mount OK in {:.1f} ms: {} files, {} object versions\n",
                             answer.call.millis, answer.response.files_size(),
                             answer.response.object_version_size());
    print_mount_contents(answer.response);
    return 0;
  }
  const auto storm = client.mount_storm(std::vector<pb::MountRequest>(copies, request));
  std::size_t failures = 0;
  std::string first_failure;
  for (const auto& answer : storm.answers) {
    const std::string failure = sscsi::bench::mount_failure(answer);
    if (!failure.empty() && failures++ == 0) first_failure = failure;
  }
  std::cout << fmt::format("{} concurrent Mounts in {:.1f} ms, {} failed\n", copies,
                           storm.wall_millis, failures);
  if (failures != 0) {
    std::cerr << "first failure: " << first_failure << "\n";
    return 1;
  }
  print_mount_contents(storm.answers.front().response);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket;
  std::string command;
  std::string attributes_file;
  std::string secrets_file;
  std::string target;
  unsigned timeout_seconds = 0;
  unsigned wait_ms = 0;
  unsigned copies = 0;
  po::options_description options("sscsi-bench-provider-call [options] version|mount");
  options.add_options()("help,h", "this text")("socket", po::value(&socket)->required(),
                                               "the provider's unix socket (path)")(
      "timeout", po::value(&timeout_seconds)->default_value(120),
      "seconds each call may take (the kubelet's publish deadline is about 2 min)")(
      "wait-ms", po::value(&wait_ms)->default_value(0),
      "first wait up to this long for the provider to answer Version (it may still start)")(
      "attributes-file", po::value(&attributes_file),
      "mount: file holding the attributes JSON (class parameters and pod attributes)")(
      "secrets-file", po::value(&secrets_file),
      "mount: file holding the node-publish secret's data as JSON (default: none, \"null\")")(
      "target", po::value(&target)->default_value("/tmp/sscsi-bench-provider-call/mount"),
      "mount: the target path sent (providers that return files do not write there)")(
      "copies", po::value(&copies)->default_value(1),
      "mount: send this many identical Mounts at once")("command", po::value(&command)->required(),
                                                        "version or mount");
  po::positional_options_description positional;
  positional.add("command", 1);
  try {
    po::variables_map values;
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(),
              values);
    if (values.count("help") != 0) {
      std::cout << options << "\n";
      return 0;
    }
    po::notify(values);
    if (command != "version" && command != "mount") {
      throw po::error(fmt::format("unknown command '{}': use version or mount", command));
    }
    if (command == "mount" && attributes_file.empty()) {
      throw po::error("mount needs --attributes-file");
    }
    if (copies == 0) throw po::error("--copies must be at least 1");
  } catch (const po::error& e) {
    std::cerr << "sscsi-bench-provider-call: " << e.what() << "\n" << options << "\n";
    return 2;
  }

  try {
    if (wait_ms != 0) {
      const std::string not_serving = sscsi::bench::wait_until_serving(
          socket, std::chrono::milliseconds(wait_ms), [] { return true; });
      if (!not_serving.empty()) {
        std::cerr << fmt::format("sscsi-bench-provider-call: not serving after {} ms: {}\n",
                                 wait_ms, not_serving);
        return 1;
      }
    }
    sscsi::bench::ProviderClient client(socket, std::chrono::seconds(timeout_seconds));
    if (command == "version") return call_version(client);
    const std::string secrets = secrets_file.empty() ? "null" : read_file(secrets_file);
    return call_mount(
        client, sscsi::bench::mount_request(read_file(attributes_file), secrets, target), copies);
  } catch (const std::exception& e) {
    std::cerr << "sscsi-bench-provider-call: " << e.what() << "\n";
    return 1;
  }
}
