#include "metrics/endpoints.h"

namespace sscsi::metrics {

HttpResponse metrics_response(const Registry& registry) {
  HttpResponse response;
  response.content_type = kExpositionContentType;
  response.body = registry.expose();
  return response;
}

HttpResponse health_response(const std::vector<std::string>& problems) {
  HttpResponse response;
  if (problems.empty()) {
    response.body = "ok\n";
    return response;
  }
  response.status = 503;
  for (const std::string& problem : problems) {
    // One problem per line: a line break inside one would read as two.
    for (const char c : problem) response.body += (c == '\n' || c == '\r') ? ' ' : c;
    response.body += '\n';
  }
  return response;
}

}  // namespace sscsi::metrics
