#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "harness/doctor/doctor.h"
#include "testing/status_matchers.h"

namespace kuscia::doctor {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(DoctorOptionsTest, ParsesEveryFlag) {
  CLI::App app("test");
  DoctorOptions options;
  AddDoctorOptions(app, options);
  std::string args =
      "--endpoint https://10.0.0.5:8082 --certs /var/certs --client-cert c.crt --client-key c.key "
      "--json /tmp/r.json --timeout-ms 250";
  ASSERT_NO_THROW(app.parse(args, /*program_name_included=*/false));
  EXPECT_EQ(options.endpoint, "https://10.0.0.5:8082");
  EXPECT_EQ(options.certs_dir, "/var/certs");
  EXPECT_EQ(options.client_cert, "c.crt");
  EXPECT_EQ(options.client_key, "c.key");
  EXPECT_EQ(options.json_file, "/tmp/r.json");
  EXPECT_EQ(options.timeout, std::chrono::milliseconds(250));
  EXPECT_THAT(ValidateDoctorOptions(options), IsOk());
}

TEST(DoctorOptionsTest, MisuseNamesTheOptionAndTheFix) {
  DoctorOptions options{.endpoint = "https://h:8082", .certs_dir = "/d", .client_key = "k.key"};
  EXPECT_THAT(ValidateDoctorOptions(options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("--client-key needs --client-cert")));
  options = {.endpoint = "https://h:8082", .certs_dir = "/d", .client_cert = "client.pem"};
  EXPECT_THAT(ValidateDoctorOptions(options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("pass --client-key as well")));
  options = {.endpoint = "https://h:8082", .certs_dir = "/d"};
  options.timeout = std::chrono::milliseconds(0);
  EXPECT_THAT(ValidateDoctorOptions(options),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("--timeout-ms must be positive")));
}

TEST(DoctorOptionsTest, UnwritableJsonIsMisuse) {
  DoctorOptions options{.endpoint = "https://doctor-test.invalid:8082", .certs_dir = "/nonexistent-doctor-dir",
                        .json_file = "/nonexistent-doctor-dir/sub/report.json"};
  std::ostringstream out, err;
  EXPECT_EQ(RunDoctor(options, out, err), kExitMisuse);
  EXPECT_THAT(err.str(), HasSubstr("cannot write --json"));
}

}  // namespace
}  // namespace kuscia::doctor
