// The load engine against small servers that count what they receive (the bench's counts must equal the
// server's) and that answer after a known fixed delay (open-loop latency runs from the scheduled time).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <boost/asio.hpp>
#include <thread>

#include "certs/kuscia_dir.h"
#include "harness/bench/load_plan.h"
#include "sys/files.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::bench {
namespace {

using namespace std::chrono_literals;

constexpr char kOkBody[] = R"({"status":{"code":0,"message":"success","details":[]},"data":{}})";

// A mutual-TLS httplib server in a Kuscia cert dir that counts requests carrying the right token.
class CountingServer {
 public:
  explicit CountingServer(std::chrono::milliseconds delay = 0ms) {
    certs::KusciaDirOptions options{.dir = dir_.path(), .add_host_sans = false};
    auto written = certs::WriteKusciaDir(options);
    EXPECT_TRUE(written.ok()) << written.status();
    paths_ = *written;
    token_ = *sys::ReadFile(paths_.token);
    server_ = std::make_unique<httplib::SSLServer>(paths_.server_cert.c_str(), paths_.server_key.c_str(),
                                                   paths_.ca_cert.c_str());
    server_->Post("/count", [this, delay](const httplib::Request& request, httplib::Response& response) {
      if (request.get_header_value("Token") != token_) {
        response.status = 401;
        return;
      }
      ++received_;
      if (delay.count() > 0) std::this_thread::sleep_for(delay);  // the server's fixed service time
      response.set_content(kOkBody, "application/json");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    EXPECT_TRUE(testing::WaitFor([this] { return server_->is_running(); }, 5s)) << "the counting server never ran";
  }
  ~CountingServer() {
    server_->stop();
    thread_.join();
  }

  LoadPlan Plan() const {
    LoadPlan plan;
    plan.port = static_cast<uint16_t>(port_);
    plan.tls = TlsFiles{.ca_cert = paths_.ca_cert, .client_cert = paths_.client_cert, .client_key = paths_.client_key};
    plan.token = token_;
    plan.route = "/count";
    plan.body = R"({"job_ids":["x"]})";
    return plan;
  }
  uint64_t received() const { return received_; }
  const certs::KusciaDirPaths& paths() const { return paths_; }

 private:
  sys::TempDir dir_{"bench-count"};
  certs::KusciaDirPaths paths_;
  std::string token_;
  std::unique_ptr<httplib::SSLServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<uint64_t> received_{0};
};

TEST(LoadEngine, KeepAliveCountsEqualTheServersCounts) {
  CountingServer server;
  LoadPlan plan = server.Plan();
  plan.connections = 4;
  plan.count = 300;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->requests, 300u);
  EXPECT_EQ(server.received(), 300u);
  EXPECT_EQ(result->errors, 0u) << result->first_error[0];
  EXPECT_EQ(result->http_status[200], 300u);
  EXPECT_EQ(result->api_code["0"], 300u);
  EXPECT_EQ(result->latency.count(), 300u);
  EXPECT_EQ(result->starved_connections, 0);
  // httplib closes a keep-alive connection after 5 requests (Connection: close); the bench reconnects.
  EXPECT_GE(result->connects, 300u / 5);
}

TEST(LoadEngine, NewConnectionPerRequestCountsEveryHandshake) {
  CountingServer server;
  LoadPlan plan = server.Plan();
  plan.connections = 4;
  plan.keep_alive = false;
  plan.count = 40;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->requests, 40u);
  EXPECT_EQ(server.received(), 40u);
  EXPECT_EQ(result->connects, 40u);
  EXPECT_EQ(result->errors, 0u);
}

TEST(LoadEngine, DurationBoundedRunCountsEqualTheServersCounts) {
  CountingServer server;
  LoadPlan plan = server.Plan();
  plan.connections = 2;
  plan.threads = 2;
  plan.duration = 300ms;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_GT(result->requests, 0u);
  EXPECT_EQ(server.received(), result->requests);
  EXPECT_EQ(result->errors, 0u);
}

TEST(LoadEngine, WrongTokenIsCountedAsHttp401NotAsAnError) {
  CountingServer server;
  LoadPlan plan = server.Plan();
  plan.token = "wrong";
  plan.connections = 1;
  plan.count = 3;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->http_status[401], 3u);
  EXPECT_EQ(result->api_code["none"], 3u);
  EXPECT_EQ(server.received(), 0u);
}

TEST(LoadEngine, OpenLoopLatencyRunsFromTheScheduledTime) {
  // One connection, a 50 ms server and 100 requests/s: request k is due at 10k ms but cannot finish before
  // 50(k+1) ms. A closed-loop tool would report ~50 ms for all; the open loop must show the queueing.
  CountingServer server(50ms);
  LoadPlan plan = server.Plan();
  plan.connections = 1;
  plan.rate = 100;
  plan.count = 10;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->requests, 10u);
  EXPECT_GE(result->latency.min(), 50'000'000u);
  EXPECT_GE(result->latency.max(), 410'000'000u) << "the last request waited behind nine 50 ms answers";
}

TEST(LoadEngine, OpenLoopUnderCapacityMeasuresTheServersFixedDelay) {
  CountingServer server(30ms);
  LoadPlan plan = server.Plan();
  plan.connections = 4;
  plan.rate = 20;
  plan.count = 8;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->requests, 8u);
  EXPECT_GE(result->latency.min(), 30'000'000u);
  EXPECT_GE(result->elapsed_seconds, 0.35) << "8 requests at 20/s are spread over 350 ms";
}

TEST(LoadEngine, ConnectFailuresAreClassifiedAndTheConnectionIsStarved) {
  uint16_t closed_port;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  LoadPlan plan;
  plan.port = closed_port;
  plan.connections = 1;
  plan.count = 3;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->errors, 3u);
  EXPECT_EQ(result->error_counts[static_cast<int>(ErrorClass::kConnect)], 3u);
  EXPECT_EQ(result->starved_connections, 1);
  EXPECT_EQ(result->requests, 0u);
}

TEST(LoadEngine, UntrustedServerIsATlsHandshakeError) {
  CountingServer server;
  sys::TempDir other("bench-other-ca");
  auto other_paths = certs::WriteKusciaDir({.dir = other.path(), .add_host_sans = false});
  ASSERT_THAT(other_paths.status(), testing::IsOk());
  LoadPlan plan = server.Plan();
  plan.tls->ca_cert = other_paths->ca_cert;
  plan.connections = 1;
  plan.count = 2;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->error_counts[static_cast<int>(ErrorClass::kTlsHandshake)], 2u);
  EXPECT_THAT(result->first_error[static_cast<int>(ErrorClass::kTlsHandshake)], ::testing::HasSubstr("certificate verify failed"));
  EXPECT_EQ(server.received(), 0u);
}

TEST(LoadEngine, MissingClientCertificateIsATlsHandshakeError) {
  CountingServer server;
  LoadPlan plan = server.Plan();
  plan.tls->client_cert.clear();
  plan.tls->client_key.clear();
  plan.connections = 1;
  plan.count = 2;
  Result<BenchResult> result = RunLoad(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->error_counts[static_cast<int>(ErrorClass::kTlsHandshake)], 2u)
      << result->first_error[static_cast<int>(ErrorClass::kClosed)] << result->first_error[static_cast<int>(ErrorClass::kReset)];
  EXPECT_EQ(result->starved_connections, 1);
  EXPECT_EQ(server.received(), 0u);
}

TEST(LoadEngine, APlanWithoutABoundIsRejected) {
  LoadPlan plan;
  plan.port = 1;
  EXPECT_THAT(RunLoad(plan).status(),
              testing::StatusIs(StatusCode::kInvalidArgument, ::testing::HasSubstr("--duration and/or --count")));
}

}  // namespace
}  // namespace kuscia::bench
