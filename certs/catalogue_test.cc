#include "certs/catalogue.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "certs/inspect.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::certs {
namespace {

namespace fs = std::filesystem;
using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Read(const fs::path& path) { return sys::ReadFile(path).value_or("<unreadable>"); }

// Everything a peer would object to in one Kuscia-layout dir, checked with OpenSSL itself: the client cert
// as an mTLS server checks it, the server cert as a verifying client dialling 127.0.0.1 checks it, the key
// pairs, the key format Java clients need, and the token's shape.
std::vector<std::string> Findings(const fs::path& dir) {
  const KusciaDirPaths p = KusciaPathsIn(dir);
  const std::string ca = Read(p.ca_cert);
  std::vector<std::string> findings;
  if (Status s = VerifyCertificate(Read(p.client_cert), ca, std::nullopt, /*require_client_auth=*/true); !s.ok()) {
    findings.push_back("client cert: " + s.message());
  }
  if (Status s = VerifyCertificate(Read(p.server_cert), ca, "127.0.0.1", false); !s.ok()) {
    findings.push_back("server cert: " + s.message());
  }
  if (!KeyMatchesCertificate(p.client_key, p.client_cert).value_or(false)) findings.push_back("client key mismatch");
  if (!KeyMatchesCertificate(p.server_key, p.server_cert).value_or(false)) findings.push_back("server key mismatch");
  for (const fs::path& key : {p.ca_key, p.server_key, p.client_key}) {
    Result<KeyInfo> info = InspectPrivateKeyFile(key);
    if (!info.ok() || info->format != "PKCS#8") {
      findings.push_back(key.filename().string() + " format " + info.value_or(KeyInfo{"unreadable", ""}).format);
    }
  }
  const std::string token = Read(p.token);
  if (token.empty()) findings.push_back("token empty");
  else if (token.back() == '\n') findings.push_back("token ends with newline");
  return findings;
}

// The one reason each identity must fail for. A new catalogue row without an entry here fails the test.
const std::map<std::string, std::string>& ExpectedFinding() {
  static const std::map<std::string, std::string> expected = {
      {"client-unknown-ca", "client cert: certificate verification failed: unable to get local issuer certificate"},
      {"client-expired", "client cert: certificate verification failed: certificate has expired"},
      {"client-not-yet-valid", "client cert: certificate verification failed: certificate is not yet valid"},
      {"client-no-client-auth", "client cert: certificate verification failed: unsuitable certificate purpose"},
      {"client-key-mismatch", "client key mismatch"},
      {"client-key-pkcs1", "kusciaapi-client.key format PKCS#1 (RSA)"},
      {"server-expired", "server cert: certificate verification failed: certificate has expired"},
      {"server-wrong-san", "server cert: certificate verification failed: IP address mismatch"},
      {"server-other-ca", "server cert: certificate verification failed: unable to get local issuer certificate"},
      {"server-key-mismatch", "server key mismatch"},
      {"token-trailing-newline", "token ends with newline"},
      {"token-empty", "token empty"},
  };
  return expected;
}

class CatalogueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new sys::TempDir("kuscia-catalogue");
    base_ = new KusciaDirPaths(WriteKusciaDir({.dir = dir_->path(), .add_host_sans = false}).value());
    identity_dirs_ = new std::vector<fs::path>(WriteCatalogue(*base_, dir_->path()).value());
  }
  static void TearDownTestSuite() {
    delete identity_dirs_;
    delete base_;
    delete dir_;
  }

  static sys::TempDir* dir_;
  static KusciaDirPaths* base_;
  static std::vector<fs::path>* identity_dirs_;
};
sys::TempDir* CatalogueTest::dir_ = nullptr;
KusciaDirPaths* CatalogueTest::base_ = nullptr;
std::vector<fs::path>* CatalogueTest::identity_dirs_ = nullptr;

TEST(CatalogueTableTest, EveryRowIsDocumentedAndUnique) {
  std::set<std::string> names;
  const std::set<std::string> files = {kCaCertFile,     kCaKeyFile,     kServerCertFile, kServerKeyFile,
                                       kClientCertFile, kClientKeyFile, kTokenFile};
  for (const BrokenIdentity& id : Catalogue()) {
    EXPECT_TRUE(names.insert(id.name).second) << "duplicate " << id.name;
    EXPECT_FALSE(id.purpose.empty()) << id.name;
    EXPECT_FALSE(id.what_fails.empty()) << id.name;
    EXPECT_FALSE(id.fix.empty()) << id.name;
    EXPECT_FALSE(id.reference.empty()) << id.name;
    EXPECT_TRUE(files.count(id.broken_file)) << id.name << ": " << id.broken_file;
    EXPECT_TRUE(ExpectedFinding().count(id.name)) << id.name << " has no expected finding in this test";
  }
  // The floor: these must exist under these names.
  for (const char* required : {"client-unknown-ca", "client-expired", "client-not-yet-valid", "client-no-client-auth",
                               "client-key-mismatch", "server-expired", "server-wrong-san", "server-other-ca",
                               "token-trailing-newline", "token-empty", "client-key-pkcs1"}) {
    EXPECT_TRUE(names.count(required)) << required;
  }
}

TEST_F(CatalogueTest, BaseIdentityHasNoFindings) { EXPECT_THAT(Findings(base_->dir), IsEmpty()); }

TEST_F(CatalogueTest, EachIdentityFailsForExactlyItsDocumentedReason) {
  ASSERT_EQ(identity_dirs_->size(), Catalogue().size());
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    const BrokenIdentity& id = Catalogue()[i];
    SCOPED_TRACE(id.name);
    EXPECT_EQ((*identity_dirs_)[i], dir_->path() / "catalogue" / id.name);
    std::vector<std::string> findings = Findings((*identity_dirs_)[i]);
    ASSERT_EQ(findings.size(), 1u) << ::testing::PrintToString(findings);
    EXPECT_THAT(findings[0], HasSubstr(ExpectedFinding().at(id.name)));
    if (id.verify_error.empty()) {
      EXPECT_THAT(findings[0], ::testing::Not(HasSubstr("X509_V_ERR")));
    } else {
      EXPECT_THAT(findings[0], HasSubstr("[" + id.verify_error + "]"));
    }
  }
}

TEST_F(CatalogueTest, OnlyTheBrokenFileDiffersFromTheBase) {
  const KusciaMaterial base = ReadKusciaMaterial(*base_).value();
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    const BrokenIdentity& id = Catalogue()[i];
    SCOPED_TRACE(id.name);
    const KusciaDirPaths paths = KusciaPathsIn((*identity_dirs_)[i]);
    EXPECT_TRUE(HasKusciaFiles(paths.dir));
    const std::pair<const fs::path&, const std::string&> files[] = {
        {paths.ca_cert, base.ca_cert},         {paths.ca_key, base.ca_key},
        {paths.server_cert, base.server_cert}, {paths.server_key, base.server_key},
        {paths.client_cert, base.client_cert}, {paths.client_key, base.client_key},
        {paths.token, base.token}};
    for (const auto& [path, base_content] : files) {
      const bool is_broken = path.filename() == id.broken_file;
      // A PKCS#1 key needs an RSA pair; from an EC base the client certificate is re-issued for it.
      const bool is_its_pair = id.name == "client-key-pkcs1" && path.filename() == kClientCertFile;
      if (is_broken) {
        EXPECT_NE(Read(path), base_content) << path;
      } else if (!is_its_pair) {
        EXPECT_EQ(Read(path), base_content) << path;
      }
    }
    struct stat st {};
    ASSERT_EQ(::stat(paths.client_key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST_F(CatalogueTest, ManifestDescribesEveryIdentity) {
  Result<std::string> text = sys::ReadFile(dir_->path() / "catalogue" / "catalogue.json");
  ASSERT_THAT(text, IsOk());
  nlohmann::json manifest = nlohmann::json::parse(*text);
  EXPECT_EQ(manifest["base"], "..");
  ASSERT_EQ(manifest["identities"].size(), Catalogue().size());
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    const BrokenIdentity& id = Catalogue()[i];
    const nlohmann::json& entry = manifest["identities"][i];
    EXPECT_EQ(entry["name"], id.name);
    EXPECT_EQ(entry["dir"], id.name);
    EXPECT_EQ(entry["purpose"], id.purpose);
    EXPECT_EQ(entry["what_fails"], id.what_fails);
    EXPECT_EQ(entry["fix"], id.fix);
    EXPECT_EQ(entry["broken_file"], id.broken_file);
    EXPECT_EQ(entry["verify_error"], id.verify_error);
    EXPECT_EQ(entry["curl_exit"], id.curl_exit);
    EXPECT_EQ(entry["curl_exit_insecure"], id.curl_exit_insecure);
  }
  // Only the identity dirs and the manifest: no staging leftovers.
  EXPECT_EQ(static_cast<size_t>(std::distance(fs::directory_iterator(dir_->path() / "catalogue"), {})),
            Catalogue().size() + 1);
}

TEST(CatalogueRsaTest, FollowsTheBaseKeyTypeAndFormat) {
  sys::TempDir dir;
  KusciaDirPaths base = WriteKusciaDir({.dir = dir.path(), .key_type = KeyType::kRsa2048,
                                        .add_host_sans = false}).value();
  Result<std::vector<fs::path>> dirs = WriteCatalogue(base, dir.path() / "elsewhere");
  ASSERT_THAT(dirs, IsOk());
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    const KusciaDirPaths paths = KusciaPathsIn((*dirs)[i]);
    SCOPED_TRACE(Catalogue()[i].name);
    EXPECT_EQ(InspectCertificateFile(paths.client_cert)->key_type, "RSA 2048");
    EXPECT_EQ(InspectPrivateKeyFile(paths.server_key)->key_type, "RSA 2048");
    EXPECT_THAT(Findings(paths.dir), ElementsAre(::testing::HasSubstr(ExpectedFinding().at(Catalogue()[i].name))));
  }
  nlohmann::json manifest = nlohmann::json::parse(Read(dir.path() / "elsewhere" / "catalogue" / "catalogue.json"));
  EXPECT_EQ(manifest["base"], "../..");
}

TEST(CatalogueErrorsTest, MissingBaseIsNotFoundAndWritesNothing) {
  sys::TempDir dir;
  Result<std::vector<fs::path>> dirs = WriteCatalogue(KusciaPathsIn(dir.path() / "absent"), dir.path());
  EXPECT_THAT(dirs.status(), StatusIs(StatusCode::kNotFound, HasSubstr("ca.crt")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), {}), 0);
}

TEST(CatalogueDocsTest, DocsListEveryIdentity) {
  Result<std::string> docs = sys::ReadFile(fs::path(KC_SOURCE_DIR) / "docs" / "certs.md");
  ASSERT_THAT(docs, IsOk());
  for (const BrokenIdentity& id : Catalogue()) {
    EXPECT_THAT(*docs, HasSubstr("| `" + id.name + "` | `" + id.broken_file + "` |")) << "docs/certs.md lacks a row";
    EXPECT_THAT(*docs, HasSubstr(id.fix)) << id.name << ": the fix in docs/certs.md differs from the table";
  }
}

}  // namespace
}  // namespace kuscia::certs
