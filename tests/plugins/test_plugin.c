/*
 * The broken-plugin family: one source built into many tiny plugins (CMakeLists.txt), each with
 * one VARIANT_<name> defined, to exercise every check of the host's loader and Provider facade.
 * Most variants break exactly one rule; `good` follows every rule and echoes its inputs back as
 * files so that tests can see what the host passed in.
 */
#define _POSIX_C_SOURCE 200809L

#include <sscsi/provider.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TEST_PLUGIN_NAME
#error "TEST_PLUGIN_NAME must be defined"
#endif

/* ---- the table's header fields, per variant ------------------------------------------------ */
#if defined(VARIANT_wrong_major)
#define TABLE_ABI_MAJOR (SSCSI_ABI_MAJOR + 1)
#else
#define TABLE_ABI_MAJOR SSCSI_ABI_MAJOR
#endif
#if defined(VARIANT_newer_minor)
#define TABLE_ABI_MINOR (SSCSI_ABI_MINOR + 1)
#else
#define TABLE_ABI_MINOR SSCSI_ABI_MINOR
#endif
#if defined(VARIANT_struct_too_small)
/* Ends before `destroy`: does not cover the ABI 1.0 members. */
#define TABLE_SIZE offsetof(sscsi_provider, destroy)
#elif defined(VARIANT_abi10_size)
/* Exactly ABI 1.0: config_schema and health lie outside and must not be read. */
#define TABLE_SIZE (offsetof(sscsi_provider, destroy) + sizeof(void (*)(void*)))
#else
#define TABLE_SIZE sizeof(sscsi_provider)
#endif
#if defined(VARIANT_version_empty)
#define TABLE_VERSION ""
#else
#define TABLE_VERSION "1.2.3"
#endif

/* For helpers that some variants do not call. */
#define MAYBE_UNUSED __attribute__((unused))

typedef struct test_instance {
  const sscsi_host_api* host;
  char* config;
  uint32_t counter;
  uint32_t histogram;
} test_instance;

MAYBE_UNUSED static void say(const test_instance* self, sscsi_log_level level, const char* format,
                             ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  self->host->log(self->host->host_ctx, level, line);
}

#if defined(VARIANT_outlives_deadline) || defined(VARIANT_cancel_aware)
static int64_t now_unix_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms) {
  struct timespec pause;
  if (ms <= 0) return;
  pause.tv_sec = (time_t)(ms / 1000);
  pause.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&pause, &pause) != 0) {
  }
}
#endif

MAYBE_UNUSED static sscsi_status add_text(const sscsi_mount_sink* sink, const char* path,
                                          uint32_t mode, const char* text) {
  return sink->add_file(sink->sink_ctx, path, mode, (const uint8_t*)text, strlen(text));
}

/* A complete, valid answer that echoes what the host passed in. */
MAYBE_UNUSED static void add_valid_answer(const test_instance* self,
                                          const sscsi_mount_request* request,
                                          const sscsi_mount_sink* sink) {
  static const uint8_t binary[] = {0, 1, 2, 0, 255};
  char current[256];
  /* Out of order on purpose: the host sorts. */
  add_text(sink, "z/last.txt", request->default_file_mode, "last");
  add_text(sink, "a.txt", request->default_file_mode, "alpha");
  sink->add_file(sink->sink_ctx, "dir/bytes.bin", 0600, binary, sizeof binary);
  add_text(sink, "config.json", 0600, self->config);
  add_text(sink, "target.txt", 0644, request->target_path);
  sink->add_file(sink->sink_ctx, "empty.txt", 0444, NULL, 0);
  sink->add_object_version(sink->sink_ctx, "secret/a", "v1");
  if (request->n_current_versions > 0) {
    snprintf(current, sizeof current, "%lu:%s=%s", (unsigned long)request->n_current_versions,
             request->current_versions[0].id, request->current_versions[0].version);
  } else {
    snprintf(current, sizeof current, "0");
  }
  sink->add_object_version(sink->sink_ctx, "current", current);
  sink->set_share_scope(sink->sink_ctx, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
}

static sscsi_status test_create(const sscsi_host_api* host, const char* config_json,
                                void** instance, char* error, size_t error_len) {
#if defined(VARIANT_init_fails)
  (void)host;
  (void)config_json;
  (void)instance;
  snprintf(error, error_len, "region must be set; token=abcdefghijklmnop was rejected");
  return SSCSI_INVALID_PARAMETERS;
#else
  test_instance* self = calloc(1, sizeof *self);
  if (self == NULL) {
    snprintf(error, error_len, "out of memory");
    return SSCSI_INTERNAL;
  }
  self->host = host;
  self->config = malloc(strlen(config_json) + 1);
  if (self->config == NULL) {
    free(self);
    snprintf(error, error_len, "out of memory");
    return SSCSI_INTERNAL;
  }
  strcpy(self->config, config_json);
#if defined(VARIANT_metrics)
  {
    static const char* const labels[] = {"result"};
    static const double buckets[] = {0.1, 1.0};
    uint32_t unused;
    if (host->metric_define(host->host_ctx, SSCSI_METRIC_COUNTER, "test_plugin_mounts_total",
                            "Mounts answered by the test plugin.", labels, 1, NULL, 0,
                            &self->counter) != SSCSI_OK ||
        host->metric_define(host->host_ctx, SSCSI_METRIC_HISTOGRAM, "test_plugin_mount_seconds",
                            "Mount duration of the test plugin.", NULL, 0, buckets, 2,
                            &self->histogram) != SSCSI_OK) {
      snprintf(error, error_len, "could not define the test metrics");
      free(self->config);
      free(self);
      return SSCSI_INTERNAL;
    }
    if (host->metric_define(host->host_ctx, SSCSI_METRIC_COUNTER, "bad name", "x", NULL, 0, NULL, 0,
                            &unused) != SSCSI_INVALID_PARAMETERS) {
      snprintf(error, error_len, "an invalid metric name was accepted");
      free(self->config);
      free(self);
      return SSCSI_INTERNAL;
    }
  }
#endif
  (void)error;
  (void)error_len;
  say(self, SSCSI_LOG_INFO, "created");
  *instance = self;
  return SSCSI_OK;
#endif
}

#if defined(VARIANT_unresolved_symbol)
/* Defined nowhere: dlopen with RTLD_NOW must refuse the library. */
extern void sscsi_test_symbol_nobody_defines(void);
#endif

#if defined(VARIANT_path_too_long)
static void add_long_path(const sscsi_mount_sink* sink) {
  /* 4097 bytes made of 100-byte elements, so that only the total length breaks the rules. */
  char path[4098];
  size_t i;
  for (i = 0; i < 4097; ++i) path[i] = (i % 101 == 100) ? '/' : 'a';
  path[4097] = '\0';
  add_text(sink, path, 0644, "x");
}
#endif

/* Unused only in VARIANT_missing_mount, whose table leaves it out. */
MAYBE_UNUSED static void test_mount(void* instance, const sscsi_mount_request* request,
                                    const sscsi_mount_sink* sink) {
  test_instance* self = instance;
  const sscsi_host_api* host = self->host;
  if (host->call_cancelled(host->host_ctx, request->call_id)) {
    sink->set_error(sink->sink_ctx, SSCSI_INTERNAL,
                    "call_cancelled was true at the start of a live call", 0);
    return;
  }
  if (!host->call_cancelled(host->host_ctx, 0)) {
    sink->set_error(sink->sink_ctx, SSCSI_INTERNAL,
                    "call_cancelled was false for an unknown call id", 0);
    return;
  }
#if defined(VARIANT_unresolved_symbol)
  sscsi_test_symbol_nobody_defines();
  add_valid_answer(self, request, sink);
#elif defined(VARIANT_path_empty)
  add_text(sink, "", 0644, "x");
#elif defined(VARIANT_path_absolute)
  add_text(sink, "/etc/passwd", 0644, "x");
#elif defined(VARIANT_path_dotdot)
  add_text(sink, "a/../b", 0644, "x");
#elif defined(VARIANT_path_dot_slash)
  add_text(sink, "./a", 0644, "x");
#elif defined(VARIANT_path_double_slash)
  add_text(sink, "a//b", 0644, "x");
#elif defined(VARIANT_path_trailing_slash)
  add_text(sink, "a/", 0644, "x");
#elif defined(VARIANT_path_too_long)
  add_long_path(sink);
#elif defined(VARIANT_path_element_too_long)
  {
    char path[257];
    memset(path, 'a', 256);
    path[256] = '\0';
    add_text(sink, path, 0644, "x");
  }
#elif defined(VARIANT_mode_out_of_range)
  add_text(sink, "a.txt", 01000, "x");
#elif defined(VARIANT_duplicate_path)
  add_text(sink, "a.txt", 0644, "first");
  if (add_text(sink, "a.txt", 0644, "second") == SSCSI_OK) {
    say(self, SSCSI_LOG_ERROR, "duplicate add_file was accepted");
  }
#elif defined(VARIANT_no_versions)
  add_text(sink, "a.txt", 0644, "x");
#elif defined(VARIANT_duplicate_version_id)
  sink->add_object_version(sink->sink_ctx, "secret/a", "v1");
  sink->add_object_version(sink->sink_ctx, "secret/a", "v2");
#elif defined(VARIANT_empty_version_id)
  sink->add_object_version(sink->sink_ctx, "", "v1");
#elif defined(VARIANT_error_without_message)
  sink->set_error(sink->sink_ctx, SSCSI_THROTTLED, "", 0);
#elif defined(VARIANT_error_with_ok_code)
  sink->set_error(sink->sink_ctx, SSCSI_OK, "everything is fine", 0);
#elif defined(VARIANT_error_unknown_code)
  sink->set_error(sink->sink_ctx, (sscsi_status)42, "a status from the future", 0);
#elif defined(VARIANT_error_throttled)
  {
    sscsi_status after;
    add_text(sink, "a.txt", 0644, "discarded with the failed answer");
    sink->set_error(sink->sink_ctx, SSCSI_THROTTLED,
                    "vault asked us to slow down; the request had Authorization: Bearer "
                    "abcdefghijklmnop1234",
                    1500);
    sink->set_error(sink->sink_ctx, SSCSI_NOT_FOUND, "a second error must be ignored", 0);
    after = add_text(sink, "b.txt", 0644, "x");
    say(self, SSCSI_LOG_INFO, "add_file after set_error returned %d", (int)after);
  }
#elif defined(VARIANT_unknown_share_scope)
  add_valid_answer(self, request, sink);
  sink->set_share_scope(sink->sink_ctx, (sscsi_share_scope)99);
#elif defined(VARIANT_outlives_deadline)
  {
    /* Sleeps past the deadline without polling call_cancelled, then keeps answering. */
    sscsi_status late_file;
    sscsi_status late_version;
    sleep_ms(request->deadline_unix_ms - now_unix_ms() + 300);
    late_file = add_text(sink, "late.txt", 0644, "late");
    late_version = sink->add_object_version(sink->sink_ctx, "late", "1");
    say(self, SSCSI_LOG_INFO, "late add_file returned %d, late add_object_version returned %d",
        (int)late_file, (int)late_version);
  }
#elif defined(VARIANT_cancel_aware)
  {
    const int64_t start = now_unix_ms();
    sscsi_status after;
    say(self, SSCSI_LOG_INFO, "waiting for call_cancelled");
    while (!host->call_cancelled(host->host_ctx, request->call_id) &&
           now_unix_ms() - start < 10000) {
      sleep_ms(2);
    }
    after = add_text(sink, "a.txt", 0644, "x");
    say(self, SSCSI_LOG_INFO, "saw cancellation %s the deadline; add_file then returned %d",
        now_unix_ms() >= request->deadline_unix_ms ? "at or after" : "before", (int)after);
    sink->set_error(sink->sink_ctx, SSCSI_DEADLINE_EXCEEDED, "gave up: the call was cancelled", 0);
  }
#elif defined(VARIANT_logs_jwt)
  say(self, SSCSI_LOG_INFO,
      "got eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl from the token endpoint; "
      "header Authorization: Bearer abcdefghijklmnopqrstuvwxyz; body "
      "{\"access_token\":\"sekrit-value-123\"}; form client_secret=hunter2hunter2&x=1\n"
      "second line");
  add_valid_answer(self, request, sink);
#elif defined(VARIANT_metrics)
  {
    const char* result = "ok";
    if (host->metric_record(host->host_ctx, self->counter, &result, 1, 1.0) != SSCSI_OK ||
        host->metric_record(host->host_ctx, self->histogram, NULL, 0, 0.5) != SSCSI_OK) {
      sink->set_error(sink->sink_ctx, SSCSI_INTERNAL, "a valid metric_record was refused", 0);
      return;
    }
    if (host->metric_record(host->host_ctx, self->counter, NULL, 0, 1.0) !=
        SSCSI_INVALID_PARAMETERS) {
      sink->set_error(sink->sink_ctx, SSCSI_INTERNAL, "a wrong label count was accepted", 0);
      return;
    }
    add_valid_answer(self, request, sink);
  }
#else
  if (host->log_enabled(host->host_ctx, SSCSI_LOG_DEBUG)) say(self, SSCSI_LOG_DEBUG, "mounting");
  add_valid_answer(self, request, sink);
#endif
  /* Every bad-answer variant above also adds one valid version, so that only its own rule
   * breaks (the host must report that rule, not "no object versions"). */
#if defined(VARIANT_path_empty) || defined(VARIANT_path_absolute) ||              \
    defined(VARIANT_path_dotdot) || defined(VARIANT_path_dot_slash) ||            \
    defined(VARIANT_path_double_slash) || defined(VARIANT_path_trailing_slash) || \
    defined(VARIANT_path_too_long) || defined(VARIANT_path_element_too_long) ||   \
    defined(VARIANT_mode_out_of_range) || defined(VARIANT_duplicate_path)
  sink->add_object_version(sink->sink_ctx, "secret/a", "v1");
#endif
}

static void test_destroy(void* instance) {
  test_instance* self = instance;
  say(self, SSCSI_LOG_INFO, "destroyed");
  free(self->config);
  free(self);
}

static const char* test_config_schema(void) { return "{\"type\":\"object\"}"; }

static sscsi_status test_health(void* instance, char* message, size_t message_len) {
  const test_instance* self = instance;
  if (strstr(self->config, "\"unhealthy\"") != NULL) {
    snprintf(message, message_len, "backend unreachable (test)");
    return SSCSI_UNAVAILABLE;
  }
  return SSCSI_OK;
}

#if defined(VARIANT_missing_mount)
#define TABLE_MOUNT NULL
#else
#define TABLE_MOUNT test_mount
#endif

static const sscsi_provider test_table = {
    (uint32_t)TABLE_SIZE, TABLE_ABI_MAJOR, TABLE_ABI_MINOR, TEST_PLUGIN_NAME,   TABLE_VERSION,
    test_create,          TABLE_MOUNT,     test_destroy,    test_config_schema, test_health};

#if defined(VARIANT_missing_entry)
/* Exports something, but not the entry symbol. */
SSCSI_EXPORT const sscsi_provider* sscsi_provider_entry_v0(void);
SSCSI_EXPORT const sscsi_provider* sscsi_provider_entry_v0(void) { return &test_table; }
#else
SSCSI_EXPORT const sscsi_provider* sscsi_provider_entry(uint32_t host_abi_major,
                                                        uint32_t host_abi_minor) {
  (void)host_abi_major;
  (void)host_abi_minor;
#if defined(VARIANT_entry_returns_null)
  (void)test_table; /* built like every other variant, but never handed out */
  return NULL;
#else
  return &test_table;
#endif
}
#endif
