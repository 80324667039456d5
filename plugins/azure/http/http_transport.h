#pragma once
// The one operation the identity and Key Vault code needs from HTTP: send a request, get an
// answer or the reason there is none. HttpClient does it over libcurl, RetryingTransport adds
// retries, tests substitute scripted fakes.

#include "http/call_control.h"
#include "http/http_message.h"

namespace sscsi::azure {

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Never throws for network problems (they are in the response); thread-safe in every
  // implementation of the plugin.
  virtual HttpResponse send(const HttpRequest& request, const CallControl& control) = 0;
};

}  // namespace sscsi::azure
