/*
 * A complete sscsi provider in plain C: every mount gets one file, `hello.txt`, whose content is
 * the SecretProviderClass parameter "greeting" (default "hello"). It shows the handshake, the
 * host services, the sink and the error path; see sdk/README.md for the walk-through.
 */
#include <sscsi/provider.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hello_instance {
  const sscsi_host_api *host;
  uint32_t mounts_metric;
} hello_instance;

static sscsi_status hello_create(const sscsi_host_api *host, const char *config_json,
                                 void **instance, char *error, size_t error_len) {
  static const char *const labels[] = {"result"};
  hello_instance *self;
  (void)config_json; /* this provider has no configuration */
  self = calloc(1, sizeof *self);
  if (self == NULL) {
    snprintf(error, error_len, "out of memory");
    return SSCSI_INTERNAL;
  }
  self->host = host;
  if (host->metric_define(host->host_ctx, SSCSI_METRIC_COUNTER, "hello_mounts_total",
                          "Mount calls answered by the hello provider.", labels, 1, NULL, 0,
                          &self->mounts_metric) != SSCSI_OK) {
    free(self);
    snprintf(error, error_len, "could not define metric hello_mounts_total");
    return SSCSI_INTERNAL;
  }
  *instance = self;
  return SSCSI_OK;
}

/* Finds "greeting":"…" in the attributes JSON. A real plugin uses a JSON parser; this keeps the
 * example dependency-free and accepts only simple values (no escapes). */
static int find_greeting(const char *json, char *out, size_t out_len) {
  const char *key = strstr(json, "\"greeting\"");
  const char *start;
  const char *end;
  if (key == NULL) return 0;
  start = strchr(key + strlen("\"greeting\""), '"');
  if (start == NULL) return -1;
  start++;
  end = strchr(start, '"');
  if (end == NULL || (size_t)(end - start) >= out_len || memchr(start, '\\', (size_t)(end - start)))
    return -1;
  memcpy(out, start, (size_t)(end - start));
  out[end - start] = '\0';
  return 1;
}

static void hello_mount(void *instance, const sscsi_mount_request *request,
                        const sscsi_mount_sink *sink) {
  hello_instance *self = instance;
  const char *result = "ok";
  char greeting[256] = "hello";
  if (find_greeting(request->attributes_json, greeting, sizeof greeting) < 0) {
    sink->set_error(sink->sink_ctx, SSCSI_INVALID_PARAMETERS,
                    "parameter greeting must be a plain string shorter than 256 bytes", 0);
    result = "invalid";
  } else if (sink->add_file(sink->sink_ctx, "hello.txt", request->default_file_mode,
                            (const uint8_t *)greeting, strlen(greeting)) != SSCSI_OK ||
             sink->add_object_version(sink->sink_ctx, "greeting", "1") != SSCSI_OK) {
    result = "refused"; /* the host already failed the answer and said why */
  } else {
    /* The answer depends only on the parameters: any pod on the node may share it. */
    sink->set_share_scope(sink->sink_ctx, SSCSI_SHARE_NODE);
  }
  self->host->metric_record(self->host->host_ctx, self->mounts_metric, &result, 1, 1.0);
  if (self->host->log_enabled(self->host->host_ctx, SSCSI_LOG_DEBUG)) {
    self->host->log(self->host->host_ctx, SSCSI_LOG_DEBUG, "answered a mount");
  }
}

static void hello_destroy(void *instance) { free(instance); }

static const sscsi_provider hello_table = {
    sizeof(sscsi_provider), SSCSI_ABI_MAJOR, SSCSI_ABI_MINOR, "hello", "1.0.0",
    hello_create,           hello_mount,     hello_destroy,   NULL,    NULL};

SSCSI_EXPORT const sscsi_provider *sscsi_provider_entry(uint32_t host_abi_major,
                                                        uint32_t host_abi_minor) {
  (void)host_abi_minor; /* built for 1.0, which every 1.x host serves */
  return host_abi_major == SSCSI_ABI_MAJOR ? &hello_table : NULL;
}
