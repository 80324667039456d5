// sscsi-bench-azure-tls: client CPU (getrusage of this process; the server is a child) for N new
// TLS connections opened at once to a local HTTPS server (tests/unit/azure/http's
// test_https_server.py with a throw-away CA), with the CAs handed to libcurl three ways:
//   blob    CURLOPT_CAINFO_BLOB = system bundle + test CA: OpenSSL parses it per connection
//           (how the Azure plugin did it before its trust store);
//   store   one X509_STORE installed per connection through CURLOPT_SSL_CTX_FUNCTION;
//   client  sscsi::azure::HttpClient as the plugin uses it (a fresh client per repetition, so
//           building its trust store is included).
// Wall time is not reported: it is bound by the Python server (a listen backlog of 5, so a burst
// of connections waits for SYN retransmissions), not by the client.
// Usage: sscsi-bench-azure-tls [CONNECTIONS=20] [REPETITIONS=10]. Figures: docs/BENCHMARKS.md.
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/http_client.h"
#include "test_https_server.h"

namespace {

using sscsi::azure::CallControl;
using sscsi::azure::HttpClient;
using sscsi::azure::HttpClientOptions;
using sscsi::azure::HttpRequest;

double cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

CURLcode install_store(CURL*, void* ssl_ctx, void* store) {
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx), static_cast<X509_STORE*>(store));
  return CURLE_OK;
}

bool plain_curl_get(const std::string& url, const std::string& bundle, X509_STORE* store) {
  CURL* handle = curl_easy_init();
  if (handle == nullptr) return false;
  curl_blob blob{const_cast<char*>(bundle.data()), bundle.size(), CURL_BLOB_NOCOPY};
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(handle, CURLOPT_CAINFO, static_cast<const char*>(nullptr));
  curl_easy_setopt(handle, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  if (store == nullptr) {
    curl_easy_setopt(handle, CURLOPT_CAINFO_BLOB, &blob);
  } else {
    curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, &install_store);
    curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, store);
  }
  const bool ok = curl_easy_perform(handle) == CURLE_OK;
  curl_easy_cleanup(handle);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const int connections = argc > 1 ? std::atoi(argv[1]) : 20;
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 10;
  if (connections < 1 || repetitions < 1) {
    std::fprintf(stderr, "usage: sscsi-bench-azure-tls [CONNECTIONS] [REPETITIONS]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const sscsi::azure::testing::TestPki pki({"localhost"});
  const sscsi::azure::testing::TestHttpsServer server(pki.server_cert(), pki.server_key());
  const std::string url = server.base_url() + "/echo";
  const HttpClientOptions defaults;
  std::ifstream system_bundle(defaults.system_ca_bundle);
  std::ifstream test_ca(pki.ca_file());
  std::stringstream text;
  text << system_bundle.rdbuf() << "\n" << test_ca.rdbuf();
  const std::string bundle = text.str();

  int failures = 0;
  for (const std::string mode : {"blob", "store", "client"}) {
    std::vector<double> cpu;
    for (int round = 0; round < repetitions; ++round) {
      const double cpu_start = cpu_ms();
      X509_STORE* store = nullptr;
      std::unique_ptr<HttpClient> client;
      if (mode == "store") {
        store = X509_STORE_new();
        X509_STORE_load_file(store, defaults.system_ca_bundle.c_str());
        X509_STORE_load_file(store, pki.ca_file().c_str());
      } else if (mode == "client") {
        HttpClientOptions options;
        options.ca_file = pki.ca_file().string();
        client = std::make_unique<HttpClient>(options);
      }
      std::atomic<int> ok{0};
      std::vector<std::thread> threads;
      for (int i = 0; i < connections; ++i) {
        threads.emplace_back([&] {
          if (client) {
            HttpRequest request;
            request.url = url;
            if (client->send(request, CallControl()).ok()) ++ok;
          } else if (plain_curl_get(url, bundle, store)) {
            ++ok;
          }
        });
      }
      for (auto& thread : threads) thread.join();
      client.reset();
      X509_STORE_free(store);
      cpu.push_back(cpu_ms() - cpu_start);
      if (ok.load() != connections) {
        std::fprintf(stderr, "%s: %d of %d requests failed\n", mode.c_str(),
                     connections - ok.load(), connections);
        ++failures;
      }
    }
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-6s %3d new connections: client CPU median %6.1f ms (min %6.1f)\n", mode.c_str(),
                connections, cpu[cpu.size() / 2], cpu.front());
  }
  curl_global_cleanup();
  return failures == 0 ? 0 : 1;
}
