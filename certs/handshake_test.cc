// Real curl against a tiny mutual-TLS server on port 0, for the good identity and every broken one.
// Assertions are on curl's exit code (the contract), never on its message text (it varies with versions).
#include <httplib.h>

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "certs/catalogue.h"
#include "certs/certs_command.h"
#include "certs/kuscia_dir.h"
#include "sys/files.h"
#include "sys/process.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::certs {
namespace {

namespace fs = std::filesystem;
using ::kuscia::testing::IsOk;
using ::kuscia::testing::WaitFor;
using ::testing::AnyOfArray;
using namespace std::chrono_literals;

// curl 7.88 exit codes this file relies on.
constexpr int kCurlOk = 0;
constexpr int kCurlHttpError = 22;       // --fail and an HTTP status >= 400 (401 from the token check)
constexpr int kCurlHandshakeFailed = 35;  // the server's alert arrived during the handshake (TLS 1.2)
constexpr int kCurlBadClientKey = 58;
constexpr int kCurlServerUntrusted = 60;

// Go <= 1.24 (Kuscia's toolchain) answers every client-certificate verification failure with the alert
// bad_certificate. OpenSSL would pick a specific one (certificate_expired, unknown_ca, ...), and curl maps
// those to different exit codes (an expired client certificate would even read as 60), so the test server
// rewrites the reason the way Go reports it.
int RejectLikeKuscia(int preverify_ok, X509_STORE_CTX* ctx) {
  if (!preverify_ok) X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REJECTED);  // -> alert bad_certificate
  return preverify_ok;
}

// The mTLS side of Kuscia's API port: client certificate required and checked against ca.crt, and /healthZ
// guarded by the token compared byte for byte with the token file (Kuscia's rule, reference §1.4).
class MutualTlsServer {
 public:
  // nullptr when the server cannot load its identity (as Kuscia would refuse to start).
  static std::unique_ptr<MutualTlsServer> Start(const KusciaDirPaths& paths) {
    auto server = std::unique_ptr<MutualTlsServer>(new MutualTlsServer(paths));
    if (!server->server_.is_valid()) return nullptr;
    server->token_ = sys::ReadFile(paths.token).value_or("");
    server->server_.Post("/healthZ", [token = server->token_](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Token") != token) {
        res.status = 401;
        return;
      }
      res.set_content(R"({"status":{"code":0,"message":"success","details":[]},"data":{}})", "application/json");
    });
    server->port_ = server->server_.bind_to_any_port("127.0.0.1");
    if (server->port_ <= 0) return nullptr;
    server->thread_ = std::thread([s = server.get()] { s->server_.listen_after_bind(); });
    // stop() is only effective once the loop runs, so the destructor must not race its start.
    if (!WaitFor([s = server.get()] { return s->server_.is_running(); }, 10s)) return nullptr;
    return server;
  }

  ~MutualTlsServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }

 private:
  explicit MutualTlsServer(const KusciaDirPaths& paths)
      : server_([paths](SSL_CTX& ctx) {
          // SSL_CTX_use_PrivateKey_file refuses a key that does not match the certificate already loaded.
          if (SSL_CTX_use_certificate_chain_file(&ctx, paths.server_cert.c_str()) != 1 ||
              SSL_CTX_use_PrivateKey_file(&ctx, paths.server_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
              SSL_CTX_load_verify_locations(&ctx, paths.ca_cert.c_str(), nullptr) != 1) {
            ERR_clear_error();
            return false;
          }
          SSL_CTX_set_client_CA_list(&ctx, SSL_load_client_CA_file(paths.ca_cert.c_str()));
          SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, RejectLikeKuscia);
          return true;
        }) {}

  httplib::SSLServer server_;
  std::string token_;
  int port_ = 0;
  std::thread thread_;
};

struct CurlCall {
  fs::path ca, cert, key, token;
  bool with_client_cert = true;
  bool insecure = false;        // -k, as the tutorials pass it
  bool tls12_only = false;      // --tls-max 1.2
};

// What `curl ... -H "Token: $(cat token)"` does, without a shell: the command substitution strips
// trailing newlines, and an empty value makes curl drop the header.
std::string AsShellWouldRead(std::string token) {
  while (!token.empty() && token.back() == '\n') token.pop_back();
  return token;
}

int RunCurl(const CurlCall& call, int port) {
  std::vector<std::string> argv = {"curl", "-sS", "--fail", "-o", "/dev/null", "--max-time", "20",
                                   "--cacert", call.ca.string()};
  if (call.with_client_cert) {
    argv.insert(argv.end(), {"--cert", call.cert.string(), "--key", call.key.string()});
  }
  if (call.insecure) argv.push_back("-k");
  if (call.tls12_only) argv.insert(argv.end(), {"--tls-max", "1.2"});
  argv.insert(argv.end(), {"-H", "Token: " + AsShellWouldRead(sys::ReadFile(call.token).value_or("")), "-X", "POST",
                           "https://127.0.0.1:" + std::to_string(port) + "/healthZ", "-d", "{}"});
  sys::ProcessOptions options;  // (designated init of ProcessOptions trips -Wmissing-field-initializers)
  options.timeout = 30s;
  Result<sys::ProcessResult> result = sys::RunProcess(argv, options);
  if (!result.ok()) {
    ADD_FAILURE() << "curl could not run: " << result.status();
    return -1;
  }
  EXPECT_FALSE(result->timed_out) << "curl timed out";
  return result->exit_code;
}

CurlCall ClientOf(const KusciaDirPaths& paths) {
  return {.ca = paths.ca_cert, .cert = paths.client_cert, .key = paths.client_key, .token = paths.token};
}

class HandshakeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!sys::FindOnPath("curl")) return;
    dir_ = new sys::TempDir("kuscia-handshake");
    base_ = new KusciaDirPaths(WriteKusciaDir({.dir = dir_->path(), .add_host_sans = false}).value());
    identity_dirs_ = new std::vector<fs::path>(WriteCatalogue(*base_, dir_->path()).value());
  }
  static void TearDownTestSuite() {
    delete identity_dirs_;
    delete base_;
    delete dir_;
  }
  void SetUp() override {
    if (base_ == nullptr) GTEST_SKIP() << "curl is not installed";
  }

  static sys::TempDir* dir_;
  static KusciaDirPaths* base_;
  static std::vector<fs::path>* identity_dirs_;
};
sys::TempDir* HandshakeTest::dir_ = nullptr;
KusciaDirPaths* HandshakeTest::base_ = nullptr;
std::vector<fs::path>* HandshakeTest::identity_dirs_ = nullptr;

TEST_F(HandshakeTest, MutualOkWithTheClientCertificate) {
  auto server = MutualTlsServer::Start(*base_);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(RunCurl(ClientOf(*base_), server->port()), kCurlOk);
}

TEST_F(HandshakeTest, MutualOkWithTheServerCertificateAsClientLikeTheDocs) {
  auto server = MutualTlsServer::Start(*base_);
  ASSERT_NE(server, nullptr);
  CurlCall call = ClientOf(*base_);
  call.cert = base_->server_cert;
  call.key = base_->server_key;
  EXPECT_EQ(RunCurl(call, server->port()), kCurlOk);
}

TEST_F(HandshakeTest, MutualOkWithTheCaAsClientLikeKusciaSh) {
  auto server = MutualTlsServer::Start(*base_);
  ASSERT_NE(server, nullptr);
  CurlCall call = ClientOf(*base_);
  call.cert = base_->ca_cert;
  call.key = base_->ca_key;
  EXPECT_EQ(RunCurl(call, server->port()), kCurlOk);
}

TEST_F(HandshakeTest, NoClientCertFailsAfterTheHandshakeUnderTls13) {
  auto server = MutualTlsServer::Start(*base_);
  ASSERT_NE(server, nullptr);
  CurlCall call = ClientOf(*base_);
  call.with_client_cert = false;
  EXPECT_THAT(RunCurl(call, server->port()), AnyOfArray(kCurlRejectedUnderTls13));
}

TEST_F(HandshakeTest, NoClientCertFailsInTheHandshakeUnderTls12) {
  auto server = MutualTlsServer::Start(*base_);
  ASSERT_NE(server, nullptr);
  CurlCall call = ClientOf(*base_);
  call.with_client_cert = false;
  call.tls12_only = true;
  EXPECT_EQ(RunCurl(call, server->port()), kCurlHandshakeFailed);
}

TEST_F(HandshakeTest, UnknownCaClientFailsInTheHandshakeUnderTls12) {
  const fs::path dir = dir_->path() / kCatalogueDirName / "client-unknown-ca";
  auto server = MutualTlsServer::Start(KusciaPathsIn(dir));
  ASSERT_NE(server, nullptr);
  CurlCall call = ClientOf(KusciaPathsIn(dir));
  call.tls12_only = true;
  EXPECT_EQ(RunCurl(call, server->port()), kCurlHandshakeFailed);
}

TEST_F(HandshakeTest, WrongTokenIsHttp401) {
  auto server = MutualTlsServer::Start(*base_);
  ASSERT_NE(server, nullptr);
  ASSERT_THAT(sys::WriteFileAtomic(dir_->path() / "other-token", "not-the-token"), IsOk());
  CurlCall call = ClientOf(*base_);
  call.token = dir_->path() / "other-token";
  EXPECT_EQ(RunCurl(call, server->port()), kCurlHttpError);
}

// Under TLS 1.3 a rejected client certificate surfaces after the handshake, as one of two codes (a race).
::testing::Matcher<int> UnderTls13(int tls12_exit) {
  if (tls12_exit == kCurlRejectedInHandshake) return AnyOfArray(kCurlRejectedUnderTls13);
  return ::testing::Eq(tls12_exit);
}

TEST_F(HandshakeTest, EachBrokenIdentityGivesItsDocumentedCurlExit) {
  ASSERT_EQ(identity_dirs_->size(), Catalogue().size());
  for (size_t i = 0; i < Catalogue().size(); ++i) {
    const BrokenIdentity& id = Catalogue()[i];
    SCOPED_TRACE(id.name);
    const KusciaDirPaths paths = KusciaPathsIn((*identity_dirs_)[i]);
    auto server = MutualTlsServer::Start(paths);
    if (id.curl_exit == kNoServer) {
      EXPECT_EQ(server, nullptr) << "the server must refuse an identity whose key does not match";
      continue;
    }
    ASSERT_NE(server, nullptr);
    CurlCall call = ClientOf(paths);
    call.tls12_only = true;
    EXPECT_EQ(RunCurl(call, server->port()), id.curl_exit) << "TLS 1.2, without -k";
    call.insecure = true;
    EXPECT_EQ(RunCurl(call, server->port()), id.curl_exit_insecure) << "TLS 1.2, with -k";
    call.tls12_only = false;
    EXPECT_THAT(RunCurl(call, server->port()), UnderTls13(id.curl_exit_insecure)) << "TLS 1.3, with -k";
    call.insecure = false;
    EXPECT_THAT(RunCurl(call, server->port()), UnderTls13(id.curl_exit)) << "TLS 1.3, without -k";
  }
}

// The table's numbers are what this file asserts; keep them to the codes curl documents for the cases.
TEST(CatalogueCurlCodesTest, UseOnlyTheKnownExitCodes) {
  for (const BrokenIdentity& id : Catalogue()) {
    for (int code : {id.curl_exit, id.curl_exit_insecure}) {
      EXPECT_TRUE(code == kNoServer || code == kCurlOk || code == kCurlHttpError || code == kCurlHandshakeFailed ||
                  code == kCurlBadClientKey || code == kCurlServerUntrusted)
          << id.name << ": " << code;
    }
  }
}

// The issue's acceptance check: `kuscia-conform certs --out DIR`, then the documented curl command.
TEST(AcceptanceTest, GeneratedDirectoryWorksWithTheDocumentedCurlCommand) {
  if (!sys::FindOnPath("curl")) GTEST_SKIP() << "curl is not installed";
  for (const std::string key : {"ec", "rsa"}) {
    SCOPED_TRACE(key);
    sys::TempDir tmp;
    std::ostringstream out, err;
    ASSERT_EQ(RunCertsGenerate({.out = tmp.path() / "certs", .key = key}, out, err), kExitOk) << err.str();
    const KusciaDirPaths paths = KusciaPathsIn(tmp.path() / "certs");
    auto server = MutualTlsServer::Start(paths);
    ASSERT_NE(server, nullptr);
    EXPECT_EQ(RunCurl({.ca = paths.ca_cert, .cert = paths.server_cert, .key = paths.server_key, .token = paths.token},
                      server->port()),
              kCurlOk);
  }
}

}  // namespace
}  // namespace kuscia::certs
