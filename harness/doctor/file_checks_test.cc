#include "harness/doctor/file_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "certs/kuscia_dir.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::doctor {
namespace {

namespace fs = std::filesystem;
using ::kuscia::testing::IsOk;
using ::testing::HasSubstr;

class FileChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<certs::KusciaDirPaths> paths = certs::WriteKusciaDir({.dir = temp_.path(), .add_host_sans = false});
    ASSERT_THAT(paths, IsOk());
    paths_ = *paths;
  }
  Material Check(bool tls = true) { return CheckFiles({.certs_dir = temp_.path(), .endpoint_uses_tls = tls}, report_); }
  void WriteToken(std::string_view bytes) {
    ASSERT_THAT(sys::WriteFileAtomic(paths_.token, bytes, 0600), IsOk());
  }
  const Finding& Only(FindingId id) {
    std::vector<const Finding*> all = report_.FindAll(id);
    EXPECT_EQ(all.size(), 1u) << FindingIdName(id);
    return *all.at(0);
  }

  sys::TempDir temp_{"doctor-files"};
  certs::KusciaDirPaths paths_;
  Report report_;
};

TEST_F(FileChecksTest, AGeneratedDirectoryIsClean) {
  Material material = Check();
  CheckClientCertificate(material, report_);
  for (const Finding& f : report_.findings()) {
    EXPECT_EQ(f.severity, Severity::kOk) << FindingIdName(f.id) << " " << f.title << ": " << f.cause;
  }
  EXPECT_TRUE(material.client_cert_pem.has_value());
  EXPECT_EQ(material.client_cert_path.filename(), "kusciaapi-client.crt");
  EXPECT_TRUE(material.token_file_clean);
}

TEST_F(FileChecksTest, FallsBackToTheServerPairWithoutAClientCertificate) {
  fs::remove(paths_.client_cert);
  fs::remove(paths_.client_key);
  Material material = Check();
  EXPECT_EQ(material.client_cert_path.filename(), "kusciaapi-server.crt");
  EXPECT_TRUE(material.client_cert_pem.has_value());
  EXPECT_FALSE(report_.HasErrors());
}

TEST_F(FileChecksTest, MissingDirectoryNamesTheFix) {
  CheckFiles({.certs_dir = temp_.path() / "nope"}, report_);
  const Finding& f = Only(FindingId::kCertsDir);
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_THAT(f.fix, HasSubstr("docker cp"));
}

TEST_F(FileChecksTest, MissingTokenIsAnErrorUnderTlsAndExpectedUnderNotls) {
  fs::remove(paths_.token);
  Check(/*tls=*/true);
  auto files = report_.FindAll(FindingId::kFiles);
  ASSERT_FALSE(files.empty());
  const Finding& token = *files.back();
  EXPECT_EQ(token.severity, Severity::kError);
  EXPECT_THAT(token.fix, HasSubstr("NOTLS has no token (C3)"));

  Report notls;
  CheckFiles({.certs_dir = temp_.path(), .endpoint_uses_tls = false}, notls);
  EXPECT_FALSE(notls.HasErrors());
}

TEST_F(FileChecksTest, TokenWithTrailingNewline) {
  WriteToken("0123456789abcdef0123456789abcdef\n");
  Material material = Check();
  const Finding& f = Only(FindingId::kToken);
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_THAT(f.cause, HasSubstr("ends in a newline"));
  EXPECT_THAT(f.fix, HasSubstr("printf %s"));
  EXPECT_EQ(material.token, "0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(material.token_file_clean);
  EXPECT_THAT(f.detail, ::testing::Not(HasSubstr("0123")));  // the token never appears
}

TEST_F(FileChecksTest, EmptyTokenWhitespaceAndControlCharacters) {
  WriteToken("");
  Check();
  EXPECT_THAT(Only(FindingId::kToken).cause, HasSubstr("empty"));

  report_ = Report();
  WriteToken(" abc");
  Check();
  EXPECT_THAT(Only(FindingId::kToken).cause, HasSubstr("whitespace"));

  report_ = Report();
  WriteToken(std::string("ab\x01", 3) + "cd");
  Check();
  EXPECT_THAT(Only(FindingId::kToken).cause, HasSubstr("cannot go into an HTTP header"));
}

TEST_F(FileChecksTest, GroupReadableKeyIsAWarningWithChmod) {
  fs::permissions(paths_.client_key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                         fs::perms::others_read);
  Check();
  auto perms = report_.FindAll(FindingId::kKeyPermissions);
  ASSERT_FALSE(perms.empty());
  EXPECT_EQ(perms[0]->severity, Severity::kWarning);
  EXPECT_THAT(perms[0]->cause, HasSubstr("mode 0644"));
  EXPECT_EQ(perms[0]->fix, "chmod 600 " + paths_.client_key.string());
}

TEST_F(FileChecksTest, GarbageCertificateIsNotPem) {
  ASSERT_THAT(sys::WriteFileAtomic(paths_.client_cert, "not a certificate", 0644), IsOk());
  Material material = Check();
  auto pem = report_.FindAll(FindingId::kPem);
  bool found = false;
  for (const Finding* f : pem) found = found || (f->severity == Severity::kError && f->title.find("Client") == 0);
  EXPECT_TRUE(found);
  EXPECT_FALSE(material.client_cert_pem.has_value());
}

}  // namespace
}  // namespace kuscia::doctor
