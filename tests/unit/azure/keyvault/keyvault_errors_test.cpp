#include "keyvault/keyvault_errors.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

constexpr const char* kHost = "myvault.vault.azure.net";
constexpr const char* kWhat = "secret db-password (latest version)";

HttpResponse answer(long status, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.body = make_secret(body);
  return response;
}

TEST(KeyVaultError, NotFound) {
  const MountError error = keyvault_error(
      answer(404, R"({"error":{"code":"SecretNotFound","message":"A secret with (name/id) )"
                  R"(db-password was not found in this key vault. If you recently deleted )"
                  R"(this secret you may be able to recover it."}})"),
      kWhat, kHost);
  EXPECT_EQ(error.code(), SSCSI_NOT_FOUND);
  EXPECT_STREQ(error.what(),
               "secret db-password (latest version) not found in vault myvault.vault.azure.net: "
               "SecretNotFound: A secret with (name/id) db-password was not found in this key "
               "vault. If you recently deleted this secret you may be able to recover it.");
}

TEST(KeyVaultError, AnOutOfRangeNumberInTheBodyIsNoKeyVaultError) {
  MountError error(SSCSI_OK, "");
  ASSERT_NO_THROW(error = keyvault_error(
                      answer(404, R"({"error":{"code":"SecretNotFound","message":"m"},"n":1e400})"),
                      kWhat, kHost));
  EXPECT_EQ(error.code(), SSCSI_NOT_FOUND);
  EXPECT_STREQ(error.what(),
               "secret db-password (latest version) not found in vault myvault.vault.azure.net: "
               "no Key Vault error in the answer");
}

TEST(KeyVaultError, Forbidden) {
  const MountError error = keyvault_error(
      answer(403, R"({"error":{"code":"Forbidden","message":"The user, group or application )"
                  R"('appid=x' does not have secrets get permission on key vault 'myvault'.",)"
                  R"("innererror":{"code":"AccessDenied"}}})"),
      kWhat, kHost);
  EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
  EXPECT_EQ(std::string(error.what())
                .rfind("access to secret db-password (latest version) in vault "
                       "myvault.vault.azure.net was refused (HTTP 403): Forbidden: The user",
                       0),
            0u)
      << error.what();
}

TEST(KeyVaultError, ThrottledCarriesRetryAfter) {
  HttpResponse throttled = answer(429, R"({"error":{"code":"Throttled","message":"Request )"
                                       R"(was not processed because too many requests"}})");
  throttled.retry_after = std::chrono::milliseconds(5000);
  throttled.attempts = 4;
  const MountError error = keyvault_error(throttled, kWhat, kHost);
  EXPECT_EQ(error.code(), SSCSI_THROTTLED);
  EXPECT_EQ(error.retry_after_ms(), 5000u);
  EXPECT_STREQ(error.what(),
               "vault myvault.vault.azure.net throttled the request for secret db-password "
               "(latest version) (HTTP 429, after 4 attempts): Throttled: Request was not "
               "processed because too many requests; the vault asked to wait 5000 ms");
}

TEST(KeyVaultError, ServerErrorsAreUnavailable) {
  for (long status : {500L, 502L, 503L, 504L, 408L}) {
    EXPECT_EQ(keyvault_error(answer(status, "<html>gateway</html>"), kWhat, kHost).code(),
              SSCSI_UNAVAILABLE);
  }
  const MountError error = keyvault_error(answer(503, "<html>"), kWhat, kHost);
  EXPECT_NE(std::string(error.what()).find("no Key Vault error in the answer"), std::string::npos);
  EXPECT_EQ(std::string(error.what()).find("<html>"), std::string::npos);
}

TEST(KeyVaultError, BadRequestIsInvalidParameters) {
  const MountError error = keyvault_error(
      answer(400, R"({"error":{"code":"BadParameter","message":"Invalid secret name"}})"), kWhat,
      kHost);
  EXPECT_EQ(error.code(), SSCSI_INVALID_PARAMETERS);
  EXPECT_NE(std::string(error.what()).find("BadParameter: Invalid secret name"), std::string::npos);
}

TEST(KeyVaultError, TransportAndCancellation) {
  HttpResponse refused;
  refused.failure = TransportFailure::Transient;
  refused.failure_text = "Couldn't resolve host name";
  refused.attempts = 4;
  const MountError unreachable = keyvault_error(refused, kWhat, kHost);
  EXPECT_EQ(unreachable.code(), SSCSI_UNAVAILABLE);
  EXPECT_STREQ(unreachable.what(),
               "could not reach vault myvault.vault.azure.net for secret db-password (latest "
               "version): Couldn't resolve host name (after 4 attempts)");
  HttpResponse cancelled;
  cancelled.failure = TransportFailure::Cancelled;
  EXPECT_EQ(keyvault_error(cancelled, kWhat, kHost).code(), SSCSI_DEADLINE_EXCEEDED);
}

TEST(KeyVaultError, UnexpectedStatusesAreUnavailable) {
  EXPECT_EQ(keyvault_error(answer(302, ""), kWhat, kHost).code(), SSCSI_UNAVAILABLE);
}

}  // namespace
}  // namespace sscsi::azure
