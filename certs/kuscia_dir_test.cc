#include "certs/kuscia_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "certs/inspect.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::certs {
namespace {

namespace fs = std::filesystem;
using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::Contains;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::Le;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

unsigned ModeOf(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

std::string Read(const fs::path& path) { return sys::ReadFile(path).value_or("<unreadable>"); }

size_t EntriesIn(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

KusciaDirOptions Hermetic(const fs::path& dir) { return {.dir = dir, .add_host_sans = false}; }

TEST(KusciaDirTest, WritesSevenFilesWithExactModes) {
  sys::TempDir tmp;
  Result<KusciaDirPaths> paths = WriteKusciaDir(Hermetic(tmp.path() / "certs"));
  ASSERT_THAT(paths, IsOk());
  EXPECT_EQ(paths->ca_cert, tmp.path() / "certs" / "ca.crt");
  EXPECT_EQ(ModeOf(paths->ca_cert), 0644u);
  EXPECT_EQ(ModeOf(paths->server_cert), 0644u);
  EXPECT_EQ(ModeOf(paths->client_cert), 0644u);
  EXPECT_EQ(ModeOf(paths->ca_key), 0600u);
  EXPECT_EQ(ModeOf(paths->server_key), 0600u);
  EXPECT_EQ(ModeOf(paths->client_key), 0600u);
  EXPECT_EQ(ModeOf(paths->token), 0600u);
  EXPECT_EQ(EntriesIn(paths->dir), 7u) << "no staging or temp files may remain";
  EXPECT_TRUE(HasKusciaFiles(paths->dir));
}

TEST(KusciaDirTest, ServerCertificateIsLikeKuscias) {
  sys::TempDir tmp;
  KusciaDirOptions options = Hermetic(tmp.path());
  options.extra_sans = {"api.example.test", "10.0.0.5", "localhost"};
  KusciaDirPaths paths = WriteKusciaDir(options).value();
  Result<CertificateInfo> server = InspectCertificateFile(paths.server_cert);
  ASSERT_THAT(server, IsOk());
  EXPECT_EQ(server->subject, "CN=KusciaAPI");
  EXPECT_EQ(server->issuer, "CN=kuscia-conformance CA");
  EXPECT_THAT(server->dns_sans, ElementsAre("kusciaapi", "localhost", "api.example.test"));
  EXPECT_THAT(server->ip_sans, ElementsAre("127.0.0.1", "10.0.0.5"));
  EXPECT_THAT(server->ext_key_usages, IsEmpty()) << "no EKU, so it also works as a client certificate";
  EXPECT_FALSE(server->is_ca);
  EXPECT_EQ(server->key_type, "EC P-256");
  EXPECT_GE(server->days_left, 3649);

  const std::string ca = Read(paths.ca_cert);
  const std::string pem = Read(paths.server_cert);
  for (const char* host : {"127.0.0.1", "localhost", "kusciaapi", "10.0.0.5", "api.example.test"}) {
    EXPECT_THAT(VerifyCertificate(pem, ca, host, false), IsOk()) << host;
  }
  EXPECT_THAT(VerifyCertificate(pem, ca, std::nullopt, /*require_client_auth=*/true), IsOk());
  EXPECT_EQ(KeyMatchesCertificate(paths.server_key, paths.server_cert).value_or(false), true);
}

TEST(KusciaDirTest, ClientCertificateIsLikeKusciasScript) {
  sys::TempDir tmp;
  KusciaDirPaths paths = WriteKusciaDir(Hermetic(tmp.path())).value();
  Result<CertificateInfo> client = InspectCertificateFile(paths.client_cert);
  ASSERT_THAT(client, IsOk());
  EXPECT_EQ(client->subject, "CN=KusciaAPIClient");
  EXPECT_THAT(client->ext_key_usages, ElementsAre("clientAuth"));
  EXPECT_THAT(VerifyCertificate(Read(paths.client_cert), Read(paths.ca_cert), std::nullopt, true), IsOk());
  EXPECT_EQ(KeyMatchesCertificate(paths.client_key, paths.client_cert).value_or(false), true);
  EXPECT_EQ(InspectPrivateKeyFile(paths.client_key)->format, "PKCS#8");
}

TEST(KusciaDirTest, CaIsACaAndMatchesItsKey) {
  sys::TempDir tmp;
  KusciaDirPaths paths = WriteKusciaDir(Hermetic(tmp.path())).value();
  Result<CertificateInfo> ca = InspectCertificateFile(paths.ca_cert);
  ASSERT_THAT(ca, IsOk());
  EXPECT_TRUE(ca->is_ca);
  EXPECT_EQ(ca->subject, ca->issuer);
  EXPECT_EQ(KeyMatchesCertificate(paths.ca_key, paths.ca_cert).value_or(false), true);
}

TEST(KusciaDirTest, TokenHasKusciasShape) {
  sys::TempDir tmp;
  KusciaDirPaths paths = WriteKusciaDir(Hermetic(tmp.path())).value();
  EXPECT_THAT(Read(paths.token), MatchesRegex("[A-Za-z0-9+/]{32}"));  // and so no trailing newline
}

TEST(KusciaDirTest, RsaPkcs1OnRequest) {
  sys::TempDir tmp;
  KusciaDirOptions options = Hermetic(tmp.path());
  options.key_type = KeyType::kRsa2048;
  options.key_format = KeyFormat::kPkcs1;
  KusciaDirPaths paths = WriteKusciaDir(options).value();
  for (const fs::path& key : {paths.ca_key, paths.server_key, paths.client_key}) {
    Result<KeyInfo> info = InspectPrivateKeyFile(key);
    ASSERT_THAT(info, IsOk());
    EXPECT_EQ(info->format, "PKCS#1 (RSA)") << key;
    EXPECT_EQ(info->key_type, "RSA 2048") << key;
  }
  EXPECT_THAT(Read(paths.server_key), StartsWith("-----BEGIN RSA PRIVATE KEY-----"));
  EXPECT_EQ(InspectCertificateFile(paths.server_cert)->key_type, "RSA 2048");
}

TEST(KusciaDirTest, EcWithTraditionalFormatIsSec1) {
  sys::TempDir tmp;
  KusciaDirOptions options = Hermetic(tmp.path());
  options.key_format = KeyFormat::kPkcs1;
  KusciaDirPaths paths = WriteKusciaDir(options).value();
  EXPECT_EQ(InspectPrivateKeyFile(paths.server_key)->format, "SEC1 (EC)");
}

TEST(KusciaDirTest, DaysSetsLeafValidityAndTheCaOutlivesIt) {
  sys::TempDir tmp;
  KusciaDirOptions options = Hermetic(tmp.path());
  options.days = 30;
  KusciaDirPaths paths = WriteKusciaDir(options).value();
  EXPECT_THAT(InspectCertificateFile(paths.server_cert)->days_left, AllOf(Ge(29), Le(30)));
  EXPECT_THAT(InspectCertificateFile(paths.client_cert)->days_left, AllOf(Ge(29), Le(30)));
  EXPECT_GE(InspectCertificateFile(paths.ca_cert)->days_left, 3649);

  options.days = 5000;
  paths = WriteKusciaDir(options).value();
  EXPECT_GT(InspectCertificateFile(paths.ca_cert)->days_left, InspectCertificateFile(paths.server_cert)->days_left);
}

TEST(KusciaDirTest, HostNameIsAddedLikeKuscia) {
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  if (!ValidateSubjectAltName(host).ok()) GTEST_SKIP() << "host name '" << host << "' is not a DNS name";
  sys::TempDir tmp;
  KusciaDirPaths paths = WriteKusciaDir({.dir = tmp.path()}).value();
  EXPECT_THAT(InspectCertificateFile(paths.server_cert)->dns_sans, Contains(std::string(host)));
}

TEST(KusciaDirTest, RewritingReplacesTheIdentity) {
  sys::TempDir tmp;
  KusciaDirPaths first = WriteKusciaDir(Hermetic(tmp.path())).value();
  const std::string old_ca = Read(first.ca_cert);
  KusciaDirPaths second = WriteKusciaDir(Hermetic(tmp.path())).value();
  EXPECT_NE(Read(second.ca_cert), old_ca);
  EXPECT_EQ(EntriesIn(tmp.path()), 7u);
}

TEST(KusciaDirTest, IsFastWithEcKeys) {
  sys::TempDir tmp;
  auto start = std::chrono::steady_clock::now();
  ASSERT_THAT(WriteKusciaDir(Hermetic(tmp.path() / "fast")), IsOk());
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  RecordProperty("write_kuscia_dir_ms", static_cast<int>(elapsed.count()));
  // The target is well under 50 ms; the bound leaves room for sanitizer builds and slow disks.
  EXPECT_LT(elapsed.count(), 500) << "WriteKusciaDir took " << elapsed.count() << " ms";
}

TEST(KusciaDirTest, MalformedSanIsRejectedBeforeAnythingIsWritten) {
  sys::TempDir tmp;
  KusciaDirOptions options = Hermetic(tmp.path() / "never");
  options.extra_sans = {"ok.example", "bad..name"};
  EXPECT_THAT(WriteKusciaDir(options).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("'bad..name'")));
  EXPECT_FALSE(fs::exists(tmp.path() / "never"));
}

TEST(KusciaDirTest, DaysOutOfRangeIsRejected) {
  sys::TempDir tmp;
  KusciaDirOptions options = Hermetic(tmp.path() / "never");
  options.days = 0;
  EXPECT_THAT(WriteKusciaDir(options).status(), StatusIs(StatusCode::kInvalidArgument, HasSubstr("0 days")));
  EXPECT_FALSE(fs::exists(tmp.path() / "never"));
}

TEST(KusciaDirTest, UnwritableDirectoryLeavesNothingBehind) {
  sys::TempDir tmp;
  ASSERT_THAT(sys::WriteFileAtomic(tmp.path() / "plain-file", "x"), IsOk());
  EXPECT_THAT(WriteKusciaDir(Hermetic(tmp.path() / "plain-file" / "certs")).status(),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("cannot write to")));
  EXPECT_THAT(WriteKusciaDir(Hermetic("/proc/kuscia-certs")).status(),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("/proc/kuscia-certs")));
  EXPECT_EQ(EntriesIn(tmp.path()), 1u);
}

TEST(KusciaDirTest, MissingDirectoriesAreCreated) {
  sys::TempDir tmp;
  ASSERT_THAT(WriteKusciaDir(Hermetic(tmp.path() / "a" / "b" / "c")), IsOk());
  EXPECT_TRUE(HasKusciaFiles(tmp.path() / "a" / "b" / "c"));
}

TEST(KusciaDirTest, HasKusciaFilesNeedsAllSeven) {
  sys::TempDir tmp;
  KusciaDirPaths paths = WriteKusciaDir(Hermetic(tmp.path())).value();
  EXPECT_TRUE(HasKusciaFiles(tmp.path()));
  fs::remove(paths.token);
  EXPECT_FALSE(HasKusciaFiles(tmp.path()));
  EXPECT_FALSE(HasKusciaFiles(tmp.path() / "absent"));
  EXPECT_THAT(ReadKusciaMaterial(paths).status(), StatusIs(StatusCode::kNotFound, HasSubstr("token")));
}

TEST(KusciaDirTest, PathsFollowTheStandardNames) {
  KusciaDirPaths paths = KusciaPathsIn("/x");
  EXPECT_EQ(paths.dir, "/x");
  EXPECT_EQ(paths.server_cert, "/x/kusciaapi-server.crt");
  EXPECT_EQ(paths.server_key, "/x/kusciaapi-server.key");
  EXPECT_EQ(paths.client_cert, "/x/kusciaapi-client.crt");
  EXPECT_EQ(paths.client_key, "/x/kusciaapi-client.key");
  EXPECT_EQ(paths.ca_key, "/x/ca.key");
  EXPECT_EQ(paths.token, "/x/token");
}

}  // namespace
}  // namespace kuscia::certs
