#include "identity/token_answer.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const auto kNow = system_clock::time_point(seconds(1700000000));

HttpResponse answer(long status, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.body = make_secret(body);
  return response;
}

TEST(ParseTokenAnswer, EntraIdAnswerWithExpiresIn) {
  const AccessToken token = parse_token_answer(
      make_secret(R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,)"
                  R"("access_token":"eyJ0eXAi.payload.sig"})"),
      "token", kNow);
  EXPECT_EQ(view(token.token), "eyJ0eXAi.payload.sig");
  EXPECT_EQ(token.expires_on, kNow + seconds(3599));
}

TEST(ParseTokenAnswer, ImdsAnswerWithStringsAndExpiresOn) {
  const AccessToken token = parse_token_answer(
      make_secret(R"({"access_token":"tok","expires_in":"86399","expires_on":"1700003600",)"
                  R"("resource":"https://vault.azure.net","token_type":"Bearer"})"),
      "token", kNow);
  EXPECT_EQ(token.expires_on, system_clock::time_point(seconds(1700003600)));
}

TEST(ParseTokenAnswer, NoExpiryMeansUsableOnceOnly) {
  const AccessToken token = parse_token_answer(make_secret(R"({"access_token":"t"})"), "t", kNow);
  EXPECT_EQ(token.expires_on, kNow);
}

TEST(ParseTokenAnswer, MissingOrEmptyAccessTokenIsUnavailable) {
  for (const char* body :
       {R"({"expires_in":5})", R"({"access_token":""})", R"({"access_token":5})"}) {
    try {
      parse_token_answer(make_secret(body), "workload identity token", kNow);
      ADD_FAILURE() << body;
    } catch (const MountError& error) {
      EXPECT_EQ(error.code(), SSCSI_UNAVAILABLE);
      EXPECT_STREQ(error.what(), "workload identity token: the answer has no access_token");
    }
  }
}

TEST(ParseTokenAnswer, MalformedJsonNeverQuotesTheBody) {
  try {
    parse_token_answer(make_secret(R"({"access_token":"SECRET-TOKEN-VALUE)"), "tok", kNow);
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAVAILABLE);
    EXPECT_EQ(std::string(error.what()).find("SECRET-TOKEN-VALUE"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("not JSON (parse error at byte"), std::string::npos);
  }
  EXPECT_THROW(parse_token_answer(make_secret("[1]"), "tok", kNow), MountError);
  EXPECT_THROW(parse_token_answer(make_secret(""), "tok", kNow), MountError);
}

TEST(ParseTokenAnswer, NumbersOutOfRangeAreMalformedJson) {
  for (const char* body : {R"({"access_token":"SECRET-TOKEN-VALUE","expires_in":1e400})",
                           R"({"access_token":"SECRET-TOKEN-VALUE","x":[-1e999]})"}) {
    try {
      parse_token_answer(make_secret(body), "tok", kNow);
      ADD_FAILURE() << body;
    } catch (const MountError& error) {
      EXPECT_EQ(error.code(), SSCSI_UNAVAILABLE);
      EXPECT_STREQ(error.what(), "tok: the answer is not JSON (a number is out of range)");
    }
  }
}

// Entra ID and IMDS tokens live at most 24 hours; an answer claiming more (or a value that
// std::chrono's nanosecond clock cannot even hold) is trusted for 24 hours only.
TEST(ParseTokenAnswer, ExpiryFurtherThanADayAwayCountsAsADay) {
  const auto day = kNow + std::chrono::hours(24);
  for (const char* body : {R"({"access_token":"t","expires_on":1e300})",
                           R"({"access_token":"t","expires_on":"999999999999999"})",
                           R"({"access_token":"t","expires_on":9223372036854775807})",
                           R"({"access_token":"t","expires_on":18446744073709551615})",
                           R"({"access_token":"t","expires_in":1e300})",
                           R"({"access_token":"t","expires_in":"999999999999999"})",
                           R"({"access_token":"t","expires_in":9223372036854775807})",
                           R"({"access_token":"t","expires_in":86401})"}) {
    EXPECT_EQ(parse_token_answer(make_secret(body), "t", kNow).expires_on, day) << body;
  }
  // A day exactly, and a fractional lifetime, are taken as they are.
  EXPECT_EQ(parse_token_answer(make_secret(R"({"access_token":"t","expires_in":86400})"), "t", kNow)
                .expires_on,
            day);
  EXPECT_EQ(parse_token_answer(make_secret(R"({"access_token":"t","expires_in":59.9})"), "t", kNow)
                .expires_on,
            kNow + seconds(59));
}

// Anything before 1970 counts as 1970: long expired, and never a clock value that overflows.
TEST(ParseTokenAnswer, ExpiryBeforeTheEpochCountsAsTheEpoch) {
  for (const char* body : {R"({"access_token":"t","expires_on":-1e300})",
                           R"({"access_token":"t","expires_on":-9223372036854775808})",
                           R"({"access_token":"t","expires_in":-1e300})",
                           R"({"access_token":"t","expires_in":-9223372036854775808})",
                           R"({"access_token":"t","expires_on":0})"}) {
    EXPECT_EQ(parse_token_answer(make_secret(body), "t", kNow).expires_on,
              system_clock::time_point())
        << body;
  }
}

TEST(ParseNmiAnswer, ReadsTheNestedToken) {
  const AccessToken token = parse_nmi_answer(
      make_secret(R"({"token":{"access_token":"nmi-token","refresh_token":"",)"
                  R"("expires_in":"3599","expires_on":"1700003600","not_before":"1700000000",)"
                  R"("resource":"https://vault.azure.net","token_type":"Bearer"},)"
                  R"("clientid":"aabc0000-a83v-9h4m-000j-2c0a66b0c1f9"})"),
      kNow);
  EXPECT_EQ(view(token.token), "nmi-token");
  EXPECT_EQ(token.expires_on, system_clock::time_point(seconds(1700003600)));
}

TEST(ParseNmiAnswer, UnparseableExpiryMeansExpired) {
  const AccessToken token = parse_nmi_answer(
      make_secret(R"({"token":{"access_token":"t","expires_on":"soon"},"clientid":"c"})"), kNow);
  EXPECT_LT(token.expires_on, kNow);
}

TEST(ParseNmiAnswer, ExpiryFurtherThanADayAwayCountsAsADay) {
  for (const char* body :
       {R"({"token":{"access_token":"t","expires_on":"999999999999999"},"clientid":"c"})",
        R"({"token":{"access_token":"t","expires_on":1e300},"clientid":"c"})"}) {
    EXPECT_EQ(parse_nmi_answer(make_secret(body), kNow).expires_on, kNow + std::chrono::hours(24))
        << body;
  }
  EXPECT_EQ(parse_nmi_answer(make_secret(R"({"token":{"access_token":"t","expires_on":-1e300},)"
                                         R"("clientid":"c"})"),
                             kNow)
                .expires_on,
            system_clock::time_point());
}

TEST(ParseNmiAnswer, MissingPartsGiveUpstreamsMessage) {
  for (const char* body :
       {R"({"token":{"access_token":"t"}})", R"({"clientid":"c"})",
        R"({"token":"flat","clientid":"c"})", R"({"token":{},"clientid":"c"})", "not json",
        R"({"token":{"access_token":"t","expires_in":1e400},"clientid":"c"})"}) {
    try {
      parse_nmi_answer(make_secret(body), kNow);
      ADD_FAILURE() << body;
    } catch (const MountError& error) {
      EXPECT_STREQ(error.what(),
                   "nmi did not return expected values in response: token and clientid");
    }
  }
}

TEST(TokenRequestError, InvalidClientIsUnauthorizedWithTheAadstsLine) {
  const MountError error = token_request_error(
      TokenService::EntraId, "service principal token for client c1",
      answer(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid )"
                  R"(client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2",)"
                  R"("error_codes":[7000215]})"));
  EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
  EXPECT_STREQ(error.what(),
               "service principal token for client c1: HTTP 401: invalid_client: AADSTS7000215: "
               "Invalid client secret provided.");
}

TEST(TokenRequestError, BadRequestStatusesDependOnTheOauthError) {
  EXPECT_EQ(
      token_request_error(TokenService::EntraId, "t", answer(400, R"({"error":"invalid_client"})"))
          .code(),
      SSCSI_UNAUTHORIZED);
  EXPECT_EQ(token_request_error(TokenService::EntraId, "t",
                                answer(400, R"({"error":"invalid_grant","error_description":)"
                                            R"("AADSTS700213: No matching federated identity"})"))
                .code(),
            SSCSI_UNAUTHORIZED);
  const MountError tenant = token_request_error(
      TokenService::EntraId, "t",
      answer(400, R"({"error":"invalid_request","error_description":"AADSTS90002: Tenant )"
                  R"('x' not found."})"));
  EXPECT_EQ(tenant.code(), SSCSI_INVALID_PARAMETERS);
  EXPECT_NE(std::string(tenant.what()).find("AADSTS90002"), std::string::npos);
}

TEST(TokenRequestError, ForbiddenIsUnauthorized) {
  EXPECT_EQ(token_request_error(TokenService::EntraId, "t", answer(403, "{}")).code(),
            SSCSI_UNAUTHORIZED);
}

TEST(TokenRequestError, ThrottledCarriesTheRetryAfter) {
  HttpResponse throttled = answer(429, R"({"error":"temporarily_unavailable"})");
  throttled.retry_after = std::chrono::milliseconds(30000);
  throttled.attempts = 4;
  const MountError error = token_request_error(TokenService::EntraId, "t", throttled);
  EXPECT_EQ(error.code(), SSCSI_THROTTLED);
  EXPECT_EQ(error.retry_after_ms(), 30000u);
  EXPECT_NE(std::string(error.what()).find("after 4 attempts"), std::string::npos);
  EXPECT_NE(std::string(error.what()).find("wait 30000 ms"), std::string::npos);
}

TEST(TokenRequestError, ServerErrorsAndTransportAreUnavailable) {
  EXPECT_EQ(token_request_error(TokenService::EntraId, "t", answer(503, "<html>")).code(),
            SSCSI_UNAVAILABLE);
  HttpResponse refused;
  refused.failure = TransportFailure::Transient;
  refused.failure_text = "Couldn't connect to server";
  const MountError error = token_request_error(TokenService::Imds, "IMDS token", refused);
  EXPECT_EQ(error.code(), SSCSI_UNAVAILABLE);
  EXPECT_STREQ(error.what(), "IMDS token: no answer: Couldn't connect to server");
}

TEST(TokenRequestError, CancelledIsDeadlineExceeded) {
  HttpResponse cancelled;
  cancelled.failure = TransportFailure::Cancelled;
  cancelled.failure_text = "stopped";
  EXPECT_EQ(token_request_error(TokenService::EntraId, "t", cancelled).code(),
            SSCSI_DEADLINE_EXCEEDED);
}

TEST(TokenRequestError, ImdsBadRequestIsAConfigurationProblem) {
  const MountError error = token_request_error(
      TokenService::Imds, "managed identity token",
      answer(400, R"({"error":"invalid_request","error_description":"Multiple user assigned )"
                  R"(identities exist, please specify the clientId / resourceId of the )"
                  R"(identity in the token request"})"));
  EXPECT_EQ(error.code(), SSCSI_INVALID_PARAMETERS);
  EXPECT_NE(std::string(error.what()).find("Multiple user assigned identities exist"),
            std::string::npos);
}

TEST(TokenRequestError, NmiUsesUpstreamsMessage) {
  const MountError error =
      token_request_error(TokenService::Nmi, "nmi", answer(404, "no identity found\n"));
  EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
  EXPECT_STREQ(error.what(),
               "nmi response failed with status code: 404, response body: no identity found ");
}

TEST(TokenRequestError, NeverEchoesATokenInTheBody) {
  const MountError error = token_request_error(
      TokenService::EntraId, "t",
      answer(400, R"({"error":"invalid_request","error_description":"bad assertion )"
                  R"(eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"})"));
  EXPECT_EQ(std::string(error.what()).find("eyJhbGci"), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("[redacted]"), std::string::npos);
}

TEST(TokenRequestError, AnOutOfRangeNumberInTheBodyIsNoOauthError) {
  MountError error(SSCSI_OK, "");
  ASSERT_NO_THROW(error = token_request_error(
                      TokenService::EntraId, "t",
                      answer(400, R"({"error":"invalid_client","error_codes":[1e400]})")));
  EXPECT_EQ(error.code(), SSCSI_INVALID_PARAMETERS);
  EXPECT_STREQ(error.what(), "t: HTTP 400: no OAuth error in the answer");
}

TEST(SanitizeErrorText, ControlCharactersAndLength) {
  EXPECT_EQ(sanitize_error_text("a\tb\x01"
                                "c"),
            "a b c");
  EXPECT_EQ(sanitize_error_text(std::string(1000, 'x'), 10), std::string(10, 'x'));
  EXPECT_EQ(sanitize_error_text("eyJshort"), "eyJshort");  // too short to be a JWT
}

}  // namespace
}  // namespace sscsi::azure
