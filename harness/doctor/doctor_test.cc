// End to end: the doctor against kuscia-mock configured into each failure, and against decoys.
#include "harness/doctor/doctor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "certs/catalogue.h"
#include "certs/kuscia_dir.h"
#include "harness/doctor/decoys.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "testing/status_matchers.h"

namespace kuscia::doctor {
namespace {

namespace fs = std::filesystem;
using ::kuscia::testing::IsOk;
using ::testing::HasSubstr;
using mock::transport::ProtocolMode;

class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<certs::KusciaDirPaths> paths =
        certs::WriteKusciaDir({.dir = temp_.path() / "base", .add_host_sans = false});
    ASSERT_THAT(paths, IsOk());
    base_ = *paths;
  }

  // A kuscia-mock on port 0 serving the certificates of `dir`.
  std::string StartMock(const fs::path& dir, ProtocolMode mode = ProtocolMode::kMtls) {
    mock::MockServerOptions options;
    options.certs_dir = dir;
    options.port = 0;
    options.mode = mode;
    options.threads = 1;
    Result<std::unique_ptr<mock::MockServer>> server = mock::MockServer::Start(options);
    EXPECT_THAT(server, IsOk());
    if (!server.ok()) return "";
    server_ = std::move(*server);
    return "127.0.0.1:" + std::to_string(server_->port());
  }

  Report Run(const std::string& endpoint, const fs::path& certs) {
    DoctorOptions options{.endpoint = endpoint, .certs_dir = certs};
    options.timeout = std::chrono::milliseconds(3000);
    Result<Report> report = Diagnose(options);
    EXPECT_THAT(report, IsOk());
    if (!report.ok()) return Report();
    std::ostringstream text;
    report->WriteText(text);
    last_text_ = text.str();
    return *report;
  }

  // The catalogue is generated once for the whole test program (it is read-only to the tests).
  fs::path CatalogueDir(const std::string& name) {
    static sys::TempDir catalogue_root("doctor-catalogue");
    static std::map<std::string, fs::path> dirs;
    if (dirs.empty()) {
      Result<certs::KusciaDirPaths> base =
          certs::WriteKusciaDir({.dir = catalogue_root.path() / "base", .add_host_sans = false});
      EXPECT_THAT(base, IsOk());
      Result<std::vector<fs::path>> written = certs::WriteCatalogue(*base, catalogue_root.path());
      EXPECT_THAT(written, IsOk());
      if (written.ok()) {
        for (const fs::path& d : *written) dirs[d.filename().string()] = d;
      }
    }
    return dirs.at(name);
  }

  sys::TempDir temp_{"doctor-e2e"};
  certs::KusciaDirPaths base_;
  std::unique_ptr<mock::MockServer> server_;
  std::string last_text_;
};

const Finding& Get(const Report& report, FindingId id) {
  const Finding* f = report.Find(id);
  if (f == nullptr) {
    static Finding none{id, Severity::kSkipped, "<missing>", "<missing>", "", ""};
    ADD_FAILURE() << "no finding " << FindingIdName(id);
    return none;
  }
  return *f;
}

TEST_F(DoctorTest, MutualTlsDeploymentIsHealthy) {
  std::string hostport = StartMock(base_.dir);
  fs::path json = temp_.path() / "report.json";
  DoctorOptions options{.endpoint = "https://" + hostport, .certs_dir = base_.dir, .json_file = json};
  std::ostringstream out, err;
  EXPECT_EQ(RunDoctor(options, out, err), kExitHealthy) << out.str() << err.str();
  EXPECT_THAT(out.str(), HasSubstr("healthy: 0 error(s)"));

  Result<std::string> token = sys::ReadFile(base_.token);
  ASSERT_THAT(token, IsOk());
  Result<std::string> json_text = sys::ReadFile(json);
  ASSERT_THAT(json_text, IsOk());
  EXPECT_THAT(out.str(), ::testing::Not(HasSubstr(*token)));
  EXPECT_THAT(*json_text, ::testing::Not(HasSubstr(*token)));
  nlohmann::json parsed = nlohmann::json::parse(*json_text);
  EXPECT_TRUE(parsed["healthy"].get<bool>());
  EXPECT_EQ(parsed["endpoint"], "https://" + hostport);

  Report report = Run("https://" + hostport, base_.dir);
  EXPECT_THAT(Get(report, FindingId::kProtocol).cause, HasSubstr("Kuscia API over mutual TLS"));
  EXPECT_EQ(Get(report, FindingId::kHealth).severity, Severity::kOk);
  EXPECT_EQ(Get(report, FindingId::kServerName).severity, Severity::kOk);
  EXPECT_EQ(Get(report, FindingId::kServerChain).severity, Severity::kOk);
  EXPECT_THAT(Get(report, FindingId::kClientCertRequired).cause, HasSubstr("refused with alert '"));
  EXPECT_THAT(Get(report, FindingId::kTokenChecked).cause, HasSubstr("HTTP 401"));
}

TEST_F(DoctorTest, TlsModeDoesNotAskForAClientCertificate) {
  std::string hostport = StartMock(base_.dir, ProtocolMode::kTls);
  Report report = Run("https://" + hostport, base_.dir);
  EXPECT_FALSE(report.HasErrors()) << last_text_;
  EXPECT_EQ(Get(report, FindingId::kProtocol).severity, Severity::kWarning);
  EXPECT_THAT(Get(report, FindingId::kProtocol).cause, HasSubstr("does not ask for a client certificate"));
  EXPECT_EQ(Get(report, FindingId::kClientCertRequired).severity, Severity::kWarning);
  EXPECT_THAT(Get(report, FindingId::kClientCertRequired).fix, HasSubstr("MTLS"));
}

TEST_F(DoctorTest, NotlsDeploymentCalledWithHttps) {
  std::string hostport = StartMock(base_.dir, ProtocolMode::kNoTls);
  Report report = Run("https://" + hostport, base_.dir);
  const Finding& f = Get(report, FindingId::kProtocol);
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_THAT(f.cause, HasSubstr("plain HTTP, not TLS: a NOTLS deployment"));
  EXPECT_THAT(f.fix, HasSubstr("use http://" + hostport));
  EXPECT_EQ(report.Ordered().front().id, FindingId::kProtocol) << last_text_;
}

TEST_F(DoctorTest, NotlsDeploymentCalledWithHttpIsHealthyAndSkipsTheTokenCheck) {
  std::string hostport = StartMock(base_.dir, ProtocolMode::kNoTls);
  fs::path empty = temp_.path() / "notls-certs";
  fs::create_directories(empty);
  Report report = Run("http://" + hostport, empty);
  EXPECT_FALSE(report.HasErrors()) << last_text_;
  EXPECT_THAT(Get(report, FindingId::kProtocol).cause, HasSubstr("plain HTTP (protocol NOTLS"));
  EXPECT_EQ(Get(report, FindingId::kHealth).severity, Severity::kOk);
  EXPECT_THAT(Get(report, FindingId::kTokenChecked).cause, HasSubstr("NOTLS switches Kuscia's token check off"));
}

TEST_F(DoctorTest, HttpAgainstATlsPort) {
  std::string hostport = StartMock(base_.dir);
  Report report = Run("http://" + hostport, base_.dir);
  const Finding& f = Get(report, FindingId::kProtocol);
  EXPECT_EQ(f.severity, Severity::kError) << last_text_;
  EXPECT_THAT(f.fix, HasSubstr("use https://"));
}

TEST_F(DoctorTest, GatewayPortIsTheWrongPort) {
  Result<std::unique_ptr<testing::Decoy>> gateway = testing::Decoy::StartGateway();
  ASSERT_THAT(gateway, IsOk());
  Report report = Run("https://127.0.0.1:" + std::to_string((*gateway)->port()), base_.dir);
  const Finding& f = Get(report, FindingId::kProtocol);
  EXPECT_EQ(f.severity, Severity::kError) << last_text_;
  EXPECT_THAT(f.cause, HasSubstr("the Kuscia gateway"));
  EXPECT_THAT(f.fix, HasSubstr("wrong port"));
  EXPECT_THAT(f.detail, HasSubstr("server: kuscia-gateway"));
  EXPECT_EQ(Get(report, FindingId::kHealth).severity, Severity::kSkipped);
}

TEST_F(DoctorTest, GrpcOnlyPort) {
  Result<std::string> cert = sys::ReadFile(base_.server_cert);
  Result<std::string> key = sys::ReadFile(base_.server_key);
  ASSERT_THAT(cert, IsOk());
  ASSERT_THAT(key, IsOk());
  Result<std::unique_ptr<testing::Decoy>> grpc = testing::Decoy::StartH2Only(*cert, *key);
  ASSERT_THAT(grpc, IsOk());
  Report report = Run("https://127.0.0.1:" + std::to_string((*grpc)->port()), base_.dir);
  const Finding& f = Get(report, FindingId::kProtocol);
  EXPECT_EQ(f.severity, Severity::kError) << last_text_;
  EXPECT_THAT(f.cause, HasSubstr("the gRPC port (8083)"));
  EXPECT_THAT(f.fix, HasSubstr("8082"));
}

TEST_F(DoctorTest, NothingListens) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);  // the port is now free: nothing listens there
  Report report = Run("https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), base_.dir);
  const Finding& f = Get(report, FindingId::kConnect);
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_THAT(f.cause, HasSubstr("connection refused"));
  EXPECT_THAT(f.fix, HasSubstr("--expose-ports"));
}

TEST_F(DoctorTest, NameThatDoesNotResolve) {
  Report report = Run("https://doctor-test.invalid:8082", base_.dir);
  const Finding& f = Get(report, FindingId::kResolve);
  EXPECT_EQ(f.severity, Severity::kError);
  EXPECT_THAT(f.cause, HasSubstr("does not resolve"));
}

TEST_F(DoctorTest, RotatedTokenGets401) {
  std::string hostport = StartMock(base_.dir);
  fs::path client = temp_.path() / "client";
  fs::copy(base_.dir, client);
  ASSERT_THAT(sys::WriteFileAtomic(client / "token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0600), IsOk());
  Report report = Run("https://" + hostport, client);
  const Finding& f = Get(report, FindingId::kHealth);
  EXPECT_EQ(f.severity, Severity::kError) << last_text_;
  EXPECT_THAT(f.cause, HasSubstr("HTTP 401: the server does not accept the token"));
  EXPECT_THAT(f.fix, HasSubstr("redeployed"));
}

TEST_F(DoctorTest, MisuseExitsWithTwo) {
  DoctorOptions options{.endpoint = "127.0.0.1:8082", .certs_dir = base_.dir};
  std::ostringstream out, err;
  EXPECT_EQ(RunDoctor(options, out, err), kExitMisuse);
  EXPECT_THAT(err.str(), HasSubstr("--endpoint '127.0.0.1:8082': no scheme"));
  options = {.endpoint = "https://127.0.0.1:8082"};
  EXPECT_EQ(RunDoctor(options, out, err), kExitMisuse);
  EXPECT_THAT(err.str(), HasSubstr("--certs is required"));
}

// The catalogue of broken identities, each served by kuscia-mock from its own directory.
struct CatalogueCase {
  std::string identity;
  FindingId id;
  Severity severity;
  std::string cause, fix;
};

class DoctorCatalogueTest : public DoctorTest, public ::testing::WithParamInterface<CatalogueCase> {};

TEST_P(DoctorCatalogueTest, ReportsTheFindingAndTheFix) {
  const CatalogueCase& c = GetParam();
  fs::path dir = CatalogueDir(c.identity);
  std::string hostport = StartMock(dir);
  Report report = Run("https://" + hostport, dir);
  const Finding* match = nullptr;
  for (const Finding* f : report.FindAll(c.id)) {
    if (f->severity == c.severity && f->cause.find(c.cause) != std::string::npos) match = f;
  }
  ASSERT_NE(match, nullptr) << c.identity << ": no " << FindingIdName(c.id) << " " << SeverityName(c.severity)
                            << " with '" << c.cause << "'\n" << last_text_;
  EXPECT_THAT(match->fix, HasSubstr(c.fix));
  if (c.severity == Severity::kError) {
    EXPECT_EQ(report.Ordered().front().severity, Severity::kError);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Catalogue, DoctorCatalogueTest,
    ::testing::Values(
        CatalogueCase{"client-unknown-ca", FindingId::kClientChain, Severity::kError, "does not chain to ca.crt",
                      "init_kusciaapi_client_certs.sh"},
        CatalogueCase{"client-unknown-ca", FindingId::kHealth, Severity::kError, "rejected the client certificate",
                      "chains to the node's ca.crt"},
        CatalogueCase{"client-expired", FindingId::kCertValidity, Severity::kError, "expired on", "re-issue it"},
        CatalogueCase{"client-not-yet-valid", FindingId::kCertValidity, Severity::kError, "not valid before",
                      "correct the clock"},
        CatalogueCase{"client-no-client-auth", FindingId::kClientUsage, Severity::kError, "lacks clientAuth",
                      "extendedKeyUsage=clientAuth"},
        CatalogueCase{"client-key-mismatch", FindingId::kKeyPair, Severity::kError,
                      "the key does not belong to the certificate", "generated together on the same node"},
        CatalogueCase{"client-key-pkcs1", FindingId::kKeyFormat, Severity::kWarning, "Java/Netty",
                      "openssl pkcs8 -topk8"},
        CatalogueCase{"server-expired", FindingId::kServerValidity, Severity::kError, "expired on",
                      "restart Kuscia so it regenerates them"},
        CatalogueCase{"server-wrong-san", FindingId::kServerName, Severity::kError, "do not contain '127.0.0.1'",
                      "kusciaAPISans"},
        CatalogueCase{"server-other-ca", FindingId::kServerChain, Severity::kError, "not issued by ca.crt",
                      "ca.crt of the node you are calling"},
        CatalogueCase{"token-trailing-newline", FindingId::kToken, Severity::kError, "ends in a newline",
                      "printf %s"},
        CatalogueCase{"token-trailing-newline", FindingId::kHealth, Severity::kError,
                      "does not accept the token", "fix the token file first"},
        CatalogueCase{"token-empty", FindingId::kToken, Severity::kError, "empty", "regenerates the token"},
        CatalogueCase{"token-empty", FindingId::kTokenChecked, Severity::kError,
                      "a request without a Token header is accepted", "non-empty"}),
    [](const ::testing::TestParamInfo<CatalogueCase>& info) {
      std::string name = info.param.identity + "_" + std::string(FindingIdName(info.param.id));
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace kuscia::doctor
