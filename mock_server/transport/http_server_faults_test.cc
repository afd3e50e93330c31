// End to end: streams, stalled readers, timers, resets, many idle connections, shutdown with open
// streams, and the HTTP edge cases answered the way Go's net/http answers them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <thread>

#include "mock_server/transport/http_server.h"
#include "mock_server/transport/server_test_fixture.h"

namespace kuscia::mock::transport::testing {
namespace {

using ::kuscia::testing::WaitFor;
using ::testing::AnyOf;
using ::testing::EndsWith;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

bool HasFullResponse(const std::string& received) {
  size_t end = received.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t at = received.find("Content-Length: ");
  if (at == std::string::npos || at > end) return true;
  return received.size() >= end + 4 + std::stoul(received.substr(at + 16));
}

TEST_F(ServerTest, ChunkedStreamFedFromAnotherThread) {
  std::vector<std::thread> producers;
  StartServer(ProtocolMode::kMtls, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
    writer->StartStream(200, {{"Content-Type", "application/json; charset=utf-8"}});
    producers.emplace_back([writer] {
      for (int i = 0; i < 5; ++i) writer->WriteChunk("{\"n\":" + std::to_string(i) + "}");
      writer->WriteChunk("");  // skipped, must not end the stream early
      writer->WriteChunk("{\"type\":4}");
      writer->EndStream();
    });
  });
  sys::ProcessResult r = Curl(WithClientCert({"-i", Url("/api/v1/job/watch")}));
  for (auto& t : producers) t.join();
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("Transfer-Encoding: chunked\r\n"));
  EXPECT_THAT(r.stdout_text, Not(HasSubstr("Content-Length")));
  EXPECT_THAT(r.stdout_text, EndsWith("\r\n\r\n{\"n\":0}{\"n\":1}{\"n\":2}{\"n\":3}{\"n\":4}{\"type\":4}"));
}

TEST_F(ServerTest, StalledStreamReaderIsClosedWithoutBlockingOthers) {
  std::atomic<bool> stream_closed{false};
  std::vector<std::thread> producers;
  std::atomic<bool> stop_producing{false};
  // One loop thread: if the stalled stream blocked anything, the next request could not be served.
  StartServer(
      ProtocolMode::kNoTls,
      [&](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
        if (request.path != "/watch") {
          writer->Send({.body = "pong"});
          return;
        }
        writer->OnClose([&] { stream_closed = true; });
        writer->StartStream(200, {});
        producers.emplace_back([writer, &stop_producing] {
          std::string chunk(64 * 1024, 'e');
          while (!writer->IsClosed() && !stop_producing) writer->WriteChunk(chunk);
        });
      },
      [](ServerOptions& o) {
        o.threads = 1;
        o.max_stream_queue_bytes = 1 << 20;
      });
  RawConnection stalled = RawConnection::Connect(server_->port(), /*receive_buffer=*/4096);
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(stalled.Send("POST /watch HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));

  sys::ProcessResult other = Curl({Url("/ping")});
  EXPECT_EQ(other.exit_code, 0) << other.stderr_text;
  EXPECT_EQ(other.stdout_text, "pong");
  EXPECT_TRUE(WaitFor([&] { return stream_closed.load(); }, 10s)) << "the stalled stream was never closed";
  stop_producing = true;
  for (auto& t : producers) t.join();
}

TEST_F(ServerTest, PeerLeavingAStreamRunsOnClose) {
  std::atomic<int> closes{0};
  std::shared_ptr<ResponseWriter> kept;
  std::mutex mutex;
  StartServer(ProtocolMode::kMtls, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
    writer->OnClose([&] { ++closes; });
    writer->StartStream(200, {});
    writer->WriteChunk("{}");
    std::lock_guard lock(mutex);
    kept = writer;  // the engine would keep it for later events
  });
  sys::ProcessResult r = Curl(WithClientCert({"--max-time", "1", Url("/watch")}));
  EXPECT_EQ(r.exit_code, 28) << r.stderr_text;  // curl gave up: the stream never ends by itself
  EXPECT_EQ(r.stdout_text, "{}");
  ASSERT_TRUE(WaitFor([&] { return closes.load() == 1; }, 5s));
  std::lock_guard lock(mutex);
  EXPECT_TRUE(kept->IsClosed());
  kept->WriteChunk("ignored");  // harmless after close
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 0; }, 5s));
}

TEST_F(ServerTest, RunAfterAnswersLaterWithoutBlockingTheLoop) {
  std::atomic<bool> slow_arrived{false};
  StartServer(
      ProtocolMode::kNoTls,
      [&](HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
        if (request.path == "/slow") {
          writer->RunAfter(1500ms, [writer] { writer->Send({.body = "late"}); });
          slow_arrived = true;
        } else {
          writer->Send({.body = "now"});
        }
      },
      [](ServerOptions& o) { o.threads = 1; });
  auto slow = std::async(std::launch::async, [&] { return Curl({Url("/slow")}); });
  ASSERT_TRUE(WaitFor([&] { return slow_arrived.load(); }, 10s));
  sys::ProcessResult fast = Curl({Url("/fast")});
  EXPECT_EQ(fast.stdout_text, "now");
  // The single loop served /fast while /slow's timer was pending.
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout);
  sys::ProcessResult late = slow.get();
  EXPECT_EQ(late.stdout_text, "late");
  EXPECT_GE(late.elapsed, 1500ms);
}

TEST_F(ServerTest, AbortWithResetIsAConnectionResetForCurl) {
  StartServer(ProtocolMode::kMtls, [](HttpRequest, std::shared_ptr<ResponseWriter> writer) { writer->Abort(true); });
  sys::ProcessResult r = Curl(WithClientCert({Url("/x")}));
  EXPECT_EQ(r.exit_code, 56) << r.stderr_text;
  EXPECT_THAT(r.stderr_text, HasSubstr("reset"));
}

TEST_F(ServerTest, RawBytesThenCloseFakeATruncatedBody) {
  StartServer(ProtocolMode::kNoTls, [](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
    writer->WriteRaw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\":");
    writer->Abort(false);
  });
  sys::ProcessResult r = Curl({Url("/x")});
  EXPECT_EQ(r.exit_code, 18) << r.stderr_text;  // transfer closed with bytes remaining
  EXPECT_EQ(r.stdout_text, "{\"status\":");
}

TEST_F(ServerTest, RawBytesThenCloseOverTlsKeepEveryQueuedByte) {
  std::string big(200000, 'b');
  StartServer(ProtocolMode::kMtls, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
    writer->WriteRaw("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n");
    writer->WriteRaw(big);
    writer->Abort(false);
  });
  sys::ProcessResult r = Curl(WithClientCert({Url("/x")}));
  EXPECT_EQ(r.exit_code, 18) << r.stderr_text;
  EXPECT_EQ(r.stdout_text.size(), big.size());
}

TEST_F(ServerTest, SlowRequestIsCutAtTheReadTimeout) {
  std::atomic<int> handled{0};
  StartServer(
      ProtocolMode::kNoTls, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) { ++handled; writer->Send({}); },
      [](ServerOptions& o) { o.read_timeout = std::chrono::seconds(1); });
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.ReadUntilClose(5s), "");  // Go closes silently on a read timeout
  EXPECT_TRUE(c.peer_closed());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
  EXPECT_EQ(handled.load(), 0);
}

TEST_F(ServerTest, SilentTlsClientIsReportedAfterTheReadTimeout) {
  StartServer(ProtocolMode::kMtls, EchoHandler, [](ServerOptions& o) { o.read_timeout = std::chrono::seconds(1); });
  RawConnection c = RawConnection::Connect(server_->port());
  c.ReadUntilClose(5s);
  EXPECT_TRUE(c.peer_closed());
  EXPECT_THAT(WaitForFailure("other").detail, HasSubstr("no TLS handshake within the read timeout"));
}

TEST_F(ServerTest, HoldsFiveHundredIdleConnections) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  std::vector<RawConnection> idle;
  for (int i = 0; i < 500; ++i) {
    idle.push_back(RawConnection::Connect(server_->port()));
    ASSERT_TRUE(idle.back().connected()) << "connection " << i;
  }
  ASSERT_TRUE(WaitFor([&] { return server_->open_connections() == 500; }, 10s))
      << "open: " << server_->open_connections();
  sys::ProcessResult r = Curl({Url("/still-serving")});
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  for (int i : {0, 250, 499}) {
    ASSERT_TRUE(idle[i].Send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_THAT(idle[i].ReadUntil(HasFullResponse, 5s), StartsWith("HTTP/1.1 200 OK\r\n"));
  }
  idle.clear();
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 0; }, 10s))
      << "open: " << server_->open_connections();
}

TEST_F(ServerTest, StopWithOpenStreamsReturnsAndRunsOnClose) {
  std::mutex mutex;
  std::vector<std::shared_ptr<ResponseWriter>> streams;
  std::atomic<int> closes{0};
  StartServer(ProtocolMode::kNoTls, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
    writer->OnClose([&] { ++closes; });
    writer->StartStream(200, {});
    writer->WriteChunk("{\"type\":4}");
    // A heartbeat that keeps re-arming itself, holding the writer: Stop must still finish.
    auto beat = std::make_shared<std::function<void()>>();
    *beat = [writer, weak = std::weak_ptr<std::function<void()>>(beat)] {
      writer->WriteChunk("{\"type\":4}");
      if (auto next = weak.lock()) writer->RunAfter(5ms, *next);
    };
    writer->RunAfter(5ms, *beat);
    std::lock_guard lock(mutex);
    streams.push_back(writer);
    static std::vector<std::shared_ptr<std::function<void()>>> beats;  // keeps `beat` alive
    beats.push_back(beat);
  });
  std::vector<RawConnection> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(RawConnection::Connect(server_->port()));
    ASSERT_TRUE(clients.back().Send("GET /watch HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  for (auto& c : clients) {
    EXPECT_THAT(c.ReadUntil([](const std::string& s) { return s.find("{\"type\":4}") != std::string::npos; }, 5s),
                HasSubstr("Transfer-Encoding: chunked"));
  }
  auto started = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(closes.load(), 3);
  EXPECT_EQ(server_->open_connections(), 0u);
  std::lock_guard lock(mutex);
  for (auto& writer : streams) {
    EXPECT_TRUE(writer->IsClosed());
    writer->WriteChunk("after stop");  // dropped, no crash
    writer->RunAfter(1ms, [] { ADD_FAILURE() << "ran after Stop"; });
  }
  for (auto& c : clients) {
    c.ReadUntilClose(5s);
    EXPECT_TRUE(c.peer_closed());
  }
}

TEST_F(ServerTest, StopWithAnOpenTlsStreamEndsTheClient) {
  std::atomic<bool> streaming{false};
  StartServer(ProtocolMode::kMtls, [&](HttpRequest, std::shared_ptr<ResponseWriter> writer) {
    writer->StartStream(200, {});
    writer->WriteChunk("{}");
    streaming = true;
  });
  auto client = std::async(std::launch::async, [&] { return Curl(WithClientCert({Url("/watch")})); });
  ASSERT_TRUE(WaitFor([&] { return streaming.load(); }, 10s));
  server_->Stop();
  sys::ProcessResult r = client.get();
  EXPECT_THAT(r.exit_code, AnyOf(Eq(18), Eq(56))) << r.stderr_text;  // the chunked body never ended
  EXPECT_EQ(r.stdout_text, "{}");
}

TEST_F(ServerTest, ConnectionCloseOverTlsEndsCleanly) {
  StartServer(ProtocolMode::kMtls, EchoHandler);
  sys::ProcessResult r = Curl(WithClientCert({"-i", "-H", "Connection: close", Url("/bye")}));
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, HasSubstr("Connection: close\r\n"));
  EXPECT_TRUE(WaitFor([&] { return server_->open_connections() == 0; }, 5s));
}

TEST_F(ServerTest, MalformedRequestGetsGos400) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send("THIS IS NOT HTTP\r\n\r\n"));
  EXPECT_EQ(c.ReadUntilClose(5s),
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
            "400 Bad Request");
  EXPECT_TRUE(c.peer_closed());
}

TEST_F(ServerTest, Http11WithoutHostIsRejectedLikeGo) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_THAT(c.ReadUntilClose(5s), EndsWith("\r\n\r\n400 Bad Request: missing required Host header"));
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send(kThreePipelinedRequests));
  std::string all = c.ReadUntilClose(5s);
  EXPECT_TRUE(AnswersThreePipelinedRequestsInOrder(all, "|-|"));
  EXPECT_THAT(all, HasSubstr("/b||-|1|3"));  // same connection id, 3-byte body
  EXPECT_TRUE(c.peer_closed());
}

TEST_F(ServerTest, Http10GetsAnHttp10AnswerAndAClose) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  std::string reply = c.ReadUntilClose(5s);
  EXPECT_THAT(reply, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(reply, Not(HasSubstr("Connection:")));
  EXPECT_THAT(reply, EndsWith("/old||-|1|0"));
  EXPECT_TRUE(c.peer_closed());
}

TEST_F(ServerTest, HeadAnswersCarryNoBody) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string all = c.ReadUntilClose(5s);
  EXPECT_THAT(all, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(all.find("/h|"), std::string::npos) << all;
  EXPECT_THAT(all, EndsWith("/g||-|1|0"));
}

TEST_F(ServerTest, NoServerHeaderAndADateHeader) {
  StartServer(ProtocolMode::kNoTls, EchoHandler);
  sys::ProcessResult r = Curl({"-i", Url("/x")});
  ASSERT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_THAT(r.stdout_text, Not(HasSubstr("Server:")));
  EXPECT_THAT(r.stdout_text, HasSubstr("\r\nDate: "));
}

TEST_F(ServerTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  StartServer(ProtocolMode::kNoTls, EchoHandler, [](ServerOptions& o) { o.idle_timeout = std::chrono::seconds(1); });
  RawConnection c = RawConnection::Connect(server_->port());
  ASSERT_TRUE(c.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_THAT(c.ReadUntil(HasFullResponse, 5s), StartsWith("HTTP/1.1 200 OK"));
  auto start = std::chrono::steady_clock::now();
  c.ReadUntilClose(5s);
  EXPECT_TRUE(c.peer_closed());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);
}

}  // namespace
}  // namespace kuscia::mock::transport::testing
