#include "csi/status_codes.h"

#include <gtest/gtest.h>

#include "csi/printable.h"

namespace sscsi::csi {
namespace {

using C = publish::Status::Code;

TEST(CsiStatusCodes, PublisherCodesMapOneToOne) {
  EXPECT_EQ(to_grpc_code(C::Ok), grpc::StatusCode::OK);
  EXPECT_EQ(to_grpc_code(C::InvalidArgument), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(to_grpc_code(C::NotFound), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(to_grpc_code(C::FailedPrecondition), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(to_grpc_code(C::PermissionDenied), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(to_grpc_code(C::ResourceExhausted), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(to_grpc_code(C::Unavailable), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(to_grpc_code(C::DeadlineExceeded), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(to_grpc_code(C::Aborted), grpc::StatusCode::ABORTED);
  EXPECT_EQ(to_grpc_code(C::Internal), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(to_grpc_code(static_cast<C>(999)), grpc::StatusCode::INTERNAL);
}

TEST(CsiStatusCodes, NamesAreTheCanonicalOnes) {
  EXPECT_EQ(code_name(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(code_name(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(code_name(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(code_name(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(code_name(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(code_name(static_cast<grpc::StatusCode>(42)), "UNKNOWN_CODE");
}

TEST(CsiPrintable, ControlCharactersAndQuotesAreEscaped) {
  EXPECT_EQ(printable("plain/path"), "\"plain/path\"");
  EXPECT_EQ(printable("a\nb\tc\rd"), "\"a\\nb\\tc\\rd\"");
  EXPECT_EQ(printable("say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
  EXPECT_EQ(printable(std::string("\x1b[31m\x7f", 6)), "\"\\x1b[31m\\x7f\"");
}

}  // namespace
}  // namespace sscsi::csi
