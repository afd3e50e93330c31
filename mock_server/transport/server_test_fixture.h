// TEST SUPPORT ONLY: a fixture that starts an HttpServer on port 0 in a chosen protocol mode, with the
// test PKI written to a temp dir for curl, and collects handshake failures.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mock_server/transport/http_server.h"
#include "mock_server/transport/test_client.h"
#include "mock_server/transport/test_pki.h"
#include "sys/files.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::mock::transport::testing {

using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  static const TestPki& Pki() {
    static const TestPki pki = MakeTestPki();
    return pki;
  }

  void SetUp() override {
    const TestPki& pki = Pki();
    ca_ = WritePem(dir_.path(), "ca.crt", pki.ca.cert_pem);
    client_cert_ = WritePem(dir_.path(), "client.crt", pki.client.cert_pem);
    client_key_ = WritePem(dir_.path(), "client.key", pki.client.key_pem);
  }

  void TearDown() override {
    if (server_) server_->Stop();
  }

  // Starts the server (port 0) with `fn` as the handler; `tweak` adjusts the options first.
  HttpServer& StartServer(ProtocolMode mode, FunctionHandler::Fn fn,
                          const std::function<void(ServerOptions&)>& tweak = {}) {
    mode_ = mode;
    ServerOptions options;
    options.port = 0;
    options.mode = mode;
    options.tls = Pki().Material();
    options.on_handshake_failure = [this](const HandshakeFailure& failure) {
      std::lock_guard lock(failures_mutex_);
      failures_.push_back(failure);
    };
    if (tweak) tweak(options);
    auto server = HttpServer::Start(std::move(options), std::make_shared<FunctionHandler>(std::move(fn)));
    EXPECT_THAT(server.status(), kuscia::testing::IsOk());
    if (!server.ok()) std::abort();
    server_ = *std::move(server);
    return *server_;
  }

  std::string Url(const std::string& path, bool tls) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::string Url(const std::string& path) const { return Url(path, mode_ != ProtocolMode::kNoTls); }

  std::vector<std::string> WithClientCert(std::vector<std::string> args) const {
    std::vector<std::string> out = {"--cacert", ca_, "--cert", client_cert_, "--key", client_key_};
    out.insert(out.end(), args.begin(), args.end());
    return out;
  }

  // Waits for a handshake failure with this cause and returns it (cause "" when none came).
  HandshakeFailure WaitForFailure(const std::string& cause) {
    HandshakeFailure found;
    bool seen = kuscia::testing::WaitFor(
        [&] {
          std::lock_guard lock(failures_mutex_);
          for (const auto& f : failures_) {
            if (f.cause == cause) {
              found = f;
              return true;
            }
          }
          return false;
        },
        5s);
    if (!seen) {
      std::lock_guard lock(failures_mutex_);
      std::string got;
      for (const auto& f : failures_) got += f.cause + " (" + f.detail + "); ";
      ADD_FAILURE() << "no handshake failure with cause " << cause << "; got: " << got;
    }
    return found;
  }

  std::string Write(const std::string& name, const std::string& content) {
    return WritePem(dir_.path(), name, content);
  }

  sys::TempDir dir_{"transport-test"};
  std::string ca_, client_cert_, client_key_;
  ProtocolMode mode_ = ProtocolMode::kMtls;
  std::unique_ptr<HttpServer> server_;
  std::mutex failures_mutex_;
  std::vector<HandshakeFailure> failures_;
};

// Three requests for one write: GET /a, POST /b with a 3-byte body, GET /c asking to close.
inline constexpr std::string_view kThreePipelinedRequests =
    "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
    "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

// `all` holds EchoHandler's answers to kThreePipelinedRequests in order, only the last one closing.
// `after_path` is what follows each path in the answers (e.g. "TLSv1.3|", or "|-|" for plain HTTP).
inline ::testing::AssertionResult AnswersThreePipelinedRequestsInOrder(const std::string& all,
                                                                       const std::string& after_path) {
  size_t a = all.find("/a|" + after_path), b = all.find("/b|" + after_path), close = all.find("Connection: close"),
         last = all.find("/c|" + after_path);
  if (a == std::string::npos || b == std::string::npos || last == std::string::npos) {
    return ::testing::AssertionFailure() << "an answer is missing from: " << all;
  }
  if (!(a < b && b < close && close < last)) return ::testing::AssertionFailure() << "answers out of order: " << all;
  return ::testing::AssertionSuccess();
}

// Answers "<path>|<tls version>|<client cert subject>|<connection id>|<body size>".
inline void EchoHandler(HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
  const ConnectionInfo& info = *request.connection;
  std::string subject = info.client_certificate ? info.client_certificate->subject : "-";
  writer->Send({.status = 200,
                .headers = {{"Content-Type", "text/plain"}},
                .body = request.path + "|" + info.tls_version + "|" + subject + "|" + std::to_string(info.id) + "|" +
                        std::to_string(request.body.size())});
}

}  // namespace kuscia::mock::transport::testing
