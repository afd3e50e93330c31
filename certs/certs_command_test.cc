#include "certs/certs_command.h"

#include <gtest/gtest.h>

#include <sstream>

#include "certs/catalogue.h"
#include "certs/kuscia_dir.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::certs {
namespace {

namespace fs = std::filesystem;
using ::kuscia::testing::IsOk;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

struct CommandRun {
  int exit_code;
  std::string out, err;
};

CommandRun Generate(const CertsCommandOptions& options) {
  std::ostringstream out, err;
  int code = RunCertsGenerate(options, out, err);
  return {code, out.str(), err.str()};
}

CommandRun Inspect(const fs::path& dir) {
  std::ostringstream out, err;
  int code = RunCertsInspect(dir, out, err);
  return {code, out.str(), err.str()};
}

size_t EntriesIn(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// A bad-input run: exit 2, exactly one "error: <problem>; <fix>" line, nothing on stdout.
void ExpectBadInput(const CommandRun& run, const std::string& problem) {
  EXPECT_EQ(run.exit_code, kExitBadInput);
  EXPECT_THAT(run.err, StartsWith("error: "));
  EXPECT_THAT(run.err, HasSubstr(problem));
  EXPECT_THAT(run.err, HasSubstr("; "));
  EXPECT_THAT(run.err, EndsWith("\n"));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_THAT(run.out, IsEmpty());
}

TEST(CertsGenerateTest, WritesTheDirectoryAndPrintsTheCurlCommand) {
  sys::TempDir tmp;
  const fs::path dir = tmp.path() / "certs";
  CommandRun run = Generate({.out = dir, .sans = {"10.0.0.5", "api.example.test"}});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.err, IsEmpty());
  EXPECT_TRUE(HasKusciaFiles(dir));
  EXPECT_THAT(run.out, HasSubstr("kusciaapi-server.crt"));
  EXPECT_THAT(run.out, HasSubstr("10.0.0.5"));
  EXPECT_THAT(run.out, HasSubstr("api.example.test"));
  EXPECT_THAT(run.out, HasSubstr("EC P-256, PKCS#8"));
  EXPECT_THAT(run.out, HasSubstr("3650 days"));
  const KusciaDirPaths p = KusciaPathsIn(dir);
  EXPECT_THAT(run.out, HasSubstr("curl --cacert " + p.ca_cert.string() + " --cert " + p.server_cert.string() +
                                 " --key " + p.server_key.string() + " -H \"Token: $(cat " + p.token.string() +
                                 ")\" -X POST https://127.0.0.1:8082/healthZ -d '{}'"));
  EXPECT_THAT(run.out, Not(HasSubstr(*sys::ReadFile(p.token)))) << "the token value must never be printed";
  EXPECT_FALSE(fs::exists(dir / kCatalogueDirName));
}

TEST(CertsGenerateTest, RsaPkcs1AndDays) {
  sys::TempDir tmp;
  CommandRun run = Generate({.out = tmp.path(), .key = "RSA", .days = 30, .key_format = "pkcs1"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("RSA 2048, PKCS#1"));
  EXPECT_THAT(run.out, HasSubstr("30 days"));
  EXPECT_THAT(*sys::ReadFile(tmp.path() / kServerKeyFile), StartsWith("-----BEGIN RSA PRIVATE KEY-----"));
}

TEST(CertsGenerateTest, CatalogueLandsBesideTheDirectory) {
  sys::TempDir tmp;
  CommandRun run = Generate({.out = tmp.path(), .catalogue = true});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Catalogue: " + std::to_string(Catalogue().size()) + " broken identities"));
  for (const BrokenIdentity& id : Catalogue()) {
    EXPECT_TRUE(HasKusciaFiles(tmp.path() / kCatalogueDirName / id.name)) << id.name;
  }
  EXPECT_TRUE(fs::exists(tmp.path() / kCatalogueDirName / kCatalogueManifestName));
  EXPECT_EQ(EntriesIn(tmp.path()), 8u) << "seven files and the catalogue, no staging leftovers";
}

TEST(CertsGenerateTest, AStaleCatalogueIsPointedOut) {
  sys::TempDir tmp;
  ASSERT_EQ(Generate({.out = tmp.path(), .catalogue = true}).exit_code, kExitOk);
  EXPECT_THAT(Generate({.out = tmp.path()}).out, HasSubstr("was made for the previous CA; rerun with --catalogue"));
  EXPECT_THAT(Generate({.out = tmp.path(), .catalogue = true}).out, Not(HasSubstr("previous CA")));
}

TEST(CertsGenerateTest, OtherFilesInTheDirectoryAreKept) {
  sys::TempDir tmp;
  ASSERT_THAT(sys::WriteFileAtomic(tmp.path() / "kuscia.yaml", "protocol: MTLS\n"), IsOk());
  ASSERT_EQ(Generate({.out = tmp.path()}).exit_code, kExitOk);
  EXPECT_EQ(*sys::ReadFile(tmp.path() / "kuscia.yaml"), "protocol: MTLS\n");
}

TEST(CertsGenerateTest, PathsWithSpacesAreQuotedInTheCurlCommand) {
  sys::TempDir tmp;
  CommandRun run = Generate({.out = tmp.path() / "my certs"});
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("--cacert '" + (tmp.path() / "my certs" / "ca.crt").string() + "'"));
}

TEST(CertsGenerateTest, UnknownKeyTypeIsBadInput) {
  sys::TempDir tmp;
  ExpectBadInput(Generate({.out = tmp.path() / "x", .key = "dsa"}), "unknown key type --key 'dsa'");
  EXPECT_EQ(EntriesIn(tmp.path()), 0u);
}

TEST(CertsGenerateTest, UnknownKeyFormatIsBadInput) {
  sys::TempDir tmp;
  ExpectBadInput(Generate({.out = tmp.path() / "x", .key_format = "der"}), "--key-format 'der'");
  EXPECT_EQ(EntriesIn(tmp.path()), 0u);
}

TEST(CertsGenerateTest, MalformedSanIsBadInput) {
  sys::TempDir tmp;
  ExpectBadInput(Generate({.out = tmp.path() / "x", .sans = {"good.example", "bad_name!"}}),
                 "malformed --san: subject alternative name 'bad_name!'");
  ExpectBadInput(Generate({.out = tmp.path() / "x", .sans = {"999.1.1.1"}}), "'999.1.1.1' is not a valid IP");
  EXPECT_EQ(EntriesIn(tmp.path()), 0u);
}

TEST(CertsGenerateTest, DaysOutOfRangeIsBadInput) {
  sys::TempDir tmp;
  ExpectBadInput(Generate({.out = tmp.path() / "x", .days = 0}), "--days 0 is out of range");
  ExpectBadInput(Generate({.out = tmp.path() / "x", .days = 40000}), "--days 40000 is out of range");
  EXPECT_EQ(EntriesIn(tmp.path()), 0u);
}

TEST(CertsGenerateTest, MissingOutIsBadInput) {
  ExpectBadInput(Generate({}), "no output directory given");
}

TEST(CertsGenerateTest, UnwritableOutIsBadInputAndLeavesNothing) {
  sys::TempDir tmp;
  ASSERT_THAT(sys::WriteFileAtomic(tmp.path() / "a-file", "x"), IsOk());
  ExpectBadInput(Generate({.out = tmp.path() / "a-file" / "certs", .catalogue = true}), "cannot write to");
  ExpectBadInput(Generate({.out = "/proc/kc-not-writable"}), "No such file or directory");
  ExpectBadInput(Generate({.out = "/proc/kuscia-conformance-certs"}), "/proc/kuscia-conformance-certs");
  EXPECT_EQ(EntriesIn(tmp.path()), 1u);
}

TEST(CertsInspectTest, DescribesEveryFileOfAGoodDirectory) {
  sys::TempDir tmp;
  ASSERT_EQ(Generate({.out = tmp.path()}).exit_code, kExitOk);
  CommandRun run = Inspect(tmp.path());
  ASSERT_EQ(run.exit_code, kExitOk) << run.err;
  for (const char* expected :
       {"ca.crt: certificate", "CN=kuscia-conformance CA", "kusciaapi-server.crt: certificate", "subject:      CN=KusciaAPI",
        "DNS:kusciaapi", "IP:127.0.0.1", "EKU:          none (any purpose)", "EKU:          clientAuth",
        "CA:           yes", "public key:   EC P-256", "days left", "sha256:", "format:       PKCS#8",
        "matches kusciaapi-server.crt: yes", "matches kusciaapi-client.crt: yes", "matches ca.crt: yes",
        "trusted by ca.crt: yes", "trusted by ca.crt as a TLS client: yes", "valid for https://127.0.0.1: yes",
        "token: token (value not shown)", "32 base64 characters"}) {
    EXPECT_THAT(run.out, HasSubstr(expected));
  }
  EXPECT_THAT(run.out, Not(HasSubstr(*sys::ReadFile(tmp.path() / kTokenFile))));
}

TEST(CertsInspectTest, NamesWhatIsWrongInBrokenIdentities) {
  sys::TempDir tmp;
  ASSERT_EQ(Generate({.out = tmp.path(), .catalogue = true}).exit_code, kExitOk);
  const fs::path catalogue = tmp.path() / kCatalogueDirName;
  EXPECT_THAT(Inspect(catalogue / "client-key-mismatch").out,
              HasSubstr("matches kusciaapi-client.crt: NO, this key does not belong to the certificate"));
  EXPECT_THAT(Inspect(catalogue / "client-expired").out, HasSubstr("(EXPIRED on "));
  EXPECT_THAT(Inspect(catalogue / "client-expired").out,
              HasSubstr("trusted by ca.crt as a TLS client: NO, certificate verification failed: certificate has "
                        "expired"));
  EXPECT_THAT(Inspect(catalogue / "client-not-yet-valid").out, HasSubstr("(NOT YET VALID)"));
  EXPECT_THAT(Inspect(catalogue / "server-wrong-san").out, HasSubstr("valid for https://127.0.0.1: NO"));
  EXPECT_THAT(Inspect(catalogue / "client-key-pkcs1").out, HasSubstr("PKCS#1 (RSA) (Java/Netty clients need PKCS#8)"));
  EXPECT_THAT(Inspect(catalogue / "token-trailing-newline").out, HasSubstr("WARNING: ends with a newline"));
  EXPECT_THAT(Inspect(catalogue / "token-empty").out, HasSubstr("WARNING: empty"));
}

TEST(CertsInspectTest, UnreadableFilesAreReportedNotFatal) {
  sys::TempDir tmp;
  ASSERT_THAT(sys::WriteFileAtomic(tmp.path() / "ca.crt", "not a certificate"), IsOk());
  CommandRun run = Inspect(tmp.path());
  EXPECT_EQ(run.exit_code, kExitOk);
  EXPECT_THAT(run.out, HasSubstr("error:        not a PEM certificate"));
}

TEST(CertsInspectTest, MissingOrEmptyDirectoryIsBadInput) {
  sys::TempDir tmp;
  ExpectBadInput(Inspect(tmp.path() / "absent"), "is not a directory");
  ExpectBadInput(Inspect(tmp.path()), "no certificates, keys or token found");
}

}  // namespace
}  // namespace kuscia::certs
