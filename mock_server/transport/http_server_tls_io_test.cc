// The transport's own TLS I/O, with both record layers (OpenSSL on the non-blocking socket, and the
// transport's TLS 1.3 record layer after the handshake): pipelined records, bodies larger than a record
// and than the socket buffers, the buffers an idle connection gives back, KeyUpdate, close_notify, and
// every TLS 1.3 cipher suite against a real OpenSSL client.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "mock_server/transport/server_test_fixture.h"
#include "sys/process.h"

namespace kuscia::mock::transport::testing {
namespace {

using ::testing::HasSubstr;

TlsMaterial ClientMaterial(const TestPki& pki) { return {pki.ca.cert_pem, pki.client.cert_pem, pki.client.key_pem}; }

// Bytes whose every position is checkable: "0123456789abcdef..." repeated, cut at `size`.
std::string PatternBytes(size_t size) {
  static constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = kAlphabet[(i * 7 + i / 4096) % kAlphabet.size()];
  return out;
}

bool HasResponseFor(const std::string& received, const std::string& path) { return received.find(path + "|") != std::string::npos; }

// Every test here runs twice: with the transport's own TLS 1.3 record layer (true) and with OpenSSL's.
class TlsIoTest : public ServerTest, public ::testing::WithParamInterface<bool> {
 protected:
  HttpServer& StartTlsServer(FunctionHandler::Fn fn, const std::function<void(ServerOptions&)>& tweak = {}) {
    return StartServer(ProtocolMode::kMtls, std::move(fn), [&](ServerOptions& options) {
      options.own_tls13_record_layer = GetParam();
      if (tweak) tweak(options);
    });
  }
  // TLS 1.3 connections the record layer took over: all of them with it, none without.
  uint64_t ExpectedTakeovers(uint64_t connections) const { return GetParam() ? connections : 0; }
};

INSTANTIATE_TEST_SUITE_P(RecordLayers, TlsIoTest, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "OwnTls13Records" : "OpenSslRecords";
});

TEST_P(TlsIoTest, PipelinedRequestsInOneTlsWriteAreAnsweredInOrder) {
  StartTlsServer(EchoHandler);
  std::string error;
  auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error);
  ASSERT_NE(c, nullptr) << error;
  ASSERT_TRUE(c->Send(kThreePipelinedRequests));
  std::string all = c->ReadUntil([](const std::string&) { return false; }, 5s);
  EXPECT_TRUE(AnswersThreePipelinedRequestsInOrder(all, "TLSv1.3|"));
  EXPECT_THAT(all, HasSubstr("|1|3"));  // the POST's 3-byte body, on connection 1
  EXPECT_TRUE(c->peer_closed_cleanly()) << "the server ends with close_notify, as Go does";
  EXPECT_EQ(server_->tls13_record_layer_takeovers(), ExpectedTakeovers(1));
}

TEST_P(TlsIoTest, BodiesLargerThanTheSocketBuffersCrossTlsWholeBothWays) {
  const std::string answer = PatternBytes(6u << 20);  // many records, more than the socket takes at once
  StartTlsServer([&answer](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
    bool intact = request.body == PatternBytes(request.body.size());
    writer->Send({.status = 200,
                  .headers = {{"X-Received", std::to_string(request.body.size()) + (intact ? " intact" : " damaged")}},
                  .body = answer});
  });
  std::string upload = Write("upload.bin", PatternBytes(3u << 20));
  std::string download = (dir_.path() / "download.bin").string();
  sys::ProcessResult r = Curl(WithClientCert({"-D", "-", "-o", download, "--data-binary", "@" + upload,
                                              "-H", "Content-Type: application/octet-stream", Url("/big")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("X-Received: 3145728 intact"));
  std::ifstream in(download, std::ios::binary);
  std::stringstream received;
  received << in.rdbuf();
  EXPECT_EQ(received.str().size(), answer.size());
  EXPECT_TRUE(received.str() == answer) << "the downloaded body differs from what the handler sent";
  EXPECT_EQ(server_->tls13_record_layer_takeovers(), ExpectedTakeovers(1));
}

TEST_P(TlsIoTest, IdleTlsConnectionGivesItsBuffersBackAndStillServes) {
  StartTlsServer(EchoHandler, [](ServerOptions& o) { o.idle_buffer_sweep = 20ms; });
  std::string error;
  auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error);
  ASSERT_NE(c, nullptr) << error;
  ASSERT_TRUE(c->Send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string first = c->ReadUntil([](const std::string& got) { return HasResponseFor(got, "/first"); }, 5s);
  ASSERT_THAT(first, HasSubstr("/first|TLSv1.3|CN=client"));

  ASSERT_TRUE(kuscia::testing::WaitFor([&] { return server_->idle_buffer_releases() >= 1; }, 5s))
      << "the idle connection never gave its TLS buffers back";
  ASSERT_TRUE(c->Send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string second = c->ReadUntil([](const std::string& got) { return HasResponseFor(got, "/second"); }, 5s);
  EXPECT_THAT(second, HasSubstr("/second|TLSv1.3|CN=client"));
  EXPECT_THAT(second, HasSubstr("|1|0"));  // the same connection
  EXPECT_FALSE(c->peer_closed());
}

TEST_P(TlsIoTest, QuietTlsStreamGivesItsBuffersBackAndKeepsStreaming) {
  std::mutex mutex;
  std::shared_ptr<ResponseWriter> stream;
  StartTlsServer(
      [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
        writer->StartStream(200, {{"Content-Type", "application/json"}});
        writer->WriteChunk("{\"n\":1}");
        std::lock_guard lock(mutex);
        stream = std::move(writer);
      },
      [](ServerOptions& o) { o.idle_buffer_sweep = 20ms; });
  std::string error;
  auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error);
  ASSERT_NE(c, nullptr) << error;
  ASSERT_TRUE(c->Send("POST /watch HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"));
  std::string head = c->ReadUntil([](const std::string& got) { return got.find("{\"n\":1}") != std::string::npos; }, 5s);
  ASSERT_THAT(head, HasSubstr("Transfer-Encoding: chunked"));

  ASSERT_TRUE(kuscia::testing::WaitFor([&] { return server_->idle_buffer_releases() >= 1; }, 5s))
      << "the quiet stream never gave its TLS buffers back";
  {
    std::lock_guard lock(mutex);
    ASSERT_NE(stream, nullptr);
    stream->WriteChunk("{\"n\":2}");
    stream->EndStream();
  }
  std::string rest = c->ReadUntil([](const std::string& got) { return got.find("0\r\n\r\n") != std::string::npos; }, 5s);
  EXPECT_THAT(rest, HasSubstr("{\"n\":2}"));
  EXPECT_THAT(rest, HasSubstr("0\r\n\r\n"));
}


TEST_P(TlsIoTest, KeyUpdatesFromTheClientAreFollowedAndAnsweredInKind) {
  StartTlsServer(EchoHandler);
  std::string error;
  auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error);
  ASSERT_NE(c, nullptr) << error;
  for (const std::string path : {"/before", "/after-one", "/after-two"}) {
    ASSERT_TRUE(c->Send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string answer = c->ReadUntil([&](const std::string& got) { return HasResponseFor(got, path); }, 5s);
    EXPECT_THAT(answer, HasSubstr(path + "|TLSv1.3|CN=client,O=kuscia-conformance|1|0")) << "the answer after a KeyUpdate, read with the"
                                                                        " server's updated key";
    // The client's next records use a new key, and it asks the server to change its key too.
    ASSERT_TRUE(c->RequestKeyUpdate());
  }
  EXPECT_FALSE(c->peer_closed());
  EXPECT_EQ(server_->tls13_record_layer_takeovers(), ExpectedTakeovers(1));
}

TEST_P(TlsIoTest, EveryTls13CipherSuiteCarriesRequestsAndAnswers) {
  StartTlsServer(EchoHandler);
  uint64_t connections = 0;
  for (const std::string suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    std::string error;
    auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error, {.ciphersuites = suite});
    ASSERT_NE(c, nullptr) << suite << ": " << error;
    ++connections;
    EXPECT_EQ(c->CipherName(), suite);
    const std::string body(40'000, 'x');  // three records each way
    ASSERT_TRUE(c->Send("POST /" + suite + " HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n\r\n" + body));
    std::string answer = c->ReadUntil([&](const std::string& got) { return HasResponseFor(got, "/" + suite); }, 5s);
    EXPECT_THAT(answer, HasSubstr("/" + suite + "|TLSv1.3|CN=client,O=kuscia-conformance|" + std::to_string(connections) + "|40000"));
  }
  EXPECT_EQ(server_->tls13_record_layer_takeovers(), ExpectedTakeovers(3));
}

TEST_P(TlsIoTest, Tls12ConnectionsStayWithOpenSsl) {
  StartTlsServer(EchoHandler);
  std::string error;
  auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error, {.max_version = TLS1_2_VERSION});
  ASSERT_NE(c, nullptr) << error;
  ASSERT_TRUE(c->Send("GET /old HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string answer = c->ReadUntil([](const std::string&) { return false; }, 5s);
  EXPECT_THAT(answer, HasSubstr("/old|TLSv1.2|CN=client,O=kuscia-conformance|1|0"));
  EXPECT_TRUE(c->peer_closed_cleanly());
  EXPECT_EQ(server_->tls13_record_layer_takeovers(), 0u);
}

TEST_P(TlsIoTest, AClientsCloseNotifyClosesTheConnection) {
  StartTlsServer(EchoHandler);
  std::string error;
  auto c = TlsConnection::Connect(server_->port(), ClientMaterial(Pki()), error);
  ASSERT_NE(c, nullptr) << error;
  ASSERT_TRUE(c->Send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_THAT(c->ReadUntil([](const std::string& got) { return HasResponseFor(got, "/one"); }, 5s),
              HasSubstr("/one|TLSv1.3|"));
  ASSERT_EQ(server_->open_connections(), 1u);
  ASSERT_TRUE(c->SendCloseNotify());
  EXPECT_TRUE(kuscia::testing::WaitFor([&] { return server_->open_connections() == 0; }, 5s))
      << "the server kept a connection whose client said close_notify";
  c->ReadUntil([](const std::string&) { return false; }, 5s);
  EXPECT_TRUE(c->peer_closed_cleanly()) << "the server's own close_notify";
}

// Runs `openssl s_client` once over TLS 1.2 with the client certificate, saving or reusing a session.
std::string Tls12Handshake(uint16_t port, const std::string& ca, const std::string& cert, const std::string& key,
                           const std::string& session_flags) {
  Result<sys::ProcessResult> r = sys::RunProcess(
      {"sh", "-c",
       "openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " -tls1_2 " + session_flags + " -cert '" +
           cert + "' -key '" + key + "' -CAfile '" + ca + "' </dev/null"});
  return r.ok() ? r->stdout_text : r.status().ToString();
}

TEST_F(ServerTest, Tls12ResumesFromTicketsButNotFromSessionIdsLikeGo) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  // Go's server keeps no session-ID cache: without tickets a TLS 1.2 client is given no session ID, so it
  // has nothing to resume (s_client then writes no session file).
  std::filesystem::path by_id = dir_.path() / "by-id.session";
  std::string first = Tls12Handshake(server_->port(), ca_, client_cert_, client_key_,
                                     "-no_ticket -sess_out '" + by_id.string() + "'");
  ASSERT_THAT(first, HasSubstr("New, TLSv1.2"));
  EXPECT_THAT(first, HasSubstr("Session-ID: \n"));
  EXPECT_FALSE(std::filesystem::exists(by_id));
  // With a session ticket it resumes, as from Go (Kuscia leaves session tickets on).
  std::string by_ticket = (dir_.path() / "by-ticket.session").string();
  ASSERT_THAT(Tls12Handshake(server_->port(), ca_, client_cert_, client_key_, "-sess_out '" + by_ticket + "'"),
              HasSubstr("New, TLSv1.2"));
  EXPECT_THAT(Tls12Handshake(server_->port(), ca_, client_cert_, client_key_, "-sess_in '" + by_ticket + "'"),
              HasSubstr("Reused, TLSv1.2"));
}

// Stop() must return even when a sweep's timer has already fired and its handler waits in the loop's
// queue (cancel() cannot stop it then; the handler must not arm the next sweep).
TEST(ServerStopTest, StopReturnsWhileTheIdleBufferSweepRunsEveryMillisecond) {
  for (int round = 0; round < 200; ++round) {
    ServerOptions options;
    options.port = 0;
    options.mode = ProtocolMode::kNoTls;
    options.threads = 2;
    options.idle_buffer_sweep = 1ms;
    auto server = HttpServer::Start(std::move(options), std::make_shared<FunctionHandler>(EchoHandler));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    std::this_thread::sleep_for(std::chrono::microseconds(500 + 37 * (round % 30)));  // vary the phase
    (*server)->Stop();
  }
}

TEST(ServerStartTest, IdleBufferSweepMustBePositive) {
  ServerOptions options;
  options.port = 0;
  options.mode = ProtocolMode::kNoTls;
  options.idle_buffer_sweep = 0ms;
  auto server = HttpServer::Start(std::move(options), std::make_shared<FunctionHandler>(EchoHandler));
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("idle_buffer_sweep must be at least 1 ms, got 0 ms"));
}

}  // namespace
}  // namespace kuscia::mock::transport::testing
