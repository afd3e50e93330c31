// The hold engine always ends ("bounded by duration and/or count, always"): connections that cannot be
// opened are counted, a run whose every connection fails still reports, the opening and the check phases
// have overall bounds, and a memory sample due while the run finishes cannot keep the event loop alive.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "certs/kuscia_dir.h"
#include "harness/bench/hold_plan.h"
#include "harness/bench/hold_test_support.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::bench {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;

constexpr auto kTimeoutIndex = static_cast<size_t>(ErrorClass::kTimeout);
constexpr auto kConnectIndex = static_cast<size_t>(ErrorClass::kConnect);

// A loopback TCP socket on port 0 that is bound, and listening only when asked: connects to a bound port
// that does not listen are refused; a listener that never accepts completes TCP handshakes (its backlog)
// and then stays silent: no TLS handshake, no HTTP answer.
class RawPort {
 public:
  explicit RawPort(bool listening) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
          (!listening || ::listen(fd_, 128) == 0);
    socklen_t size = sizeof address;
    ok_ = ok_ && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0;
    port_ = ntohs(address.sin_port);
  }
  ~RawPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawPort(const RawPort&) = delete;
  RawPort& operator=(const RawPort&) = delete;

  bool ok() const { return ok_ && port_ != 0; }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  bool ok_ = false;
  uint16_t port_ = 0;
};

// A Kuscia cert directory for targets that never get as far as checking it.
class HoldBounds : public ::testing::Test {
 protected:
  void SetUp() override {
    auto written = certs::WriteKusciaDir({.dir = dir_.path(), .add_host_sans = false});
    ASSERT_THAT(written.status(), testing::IsOk());
  }
  sys::TempDir dir_{"bench-hold-bounds"};
};

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Root cause of a hang seen in bench/compare.sh: the memory sample timer expired while the last streams
// were being closed; its completion was queued behind the run's Finish, so Finish's cancel() came too late
// and the handler re-armed the timer, which kept the event loop running forever with no connections.
// Closing 200 streams takes longer than the 1 ms sample interval, so nearly every run of the old code hit it.
TEST(HoldSampling, AMemorySampleDueWhileTheRunFinishesDoesNotKeepItAlive) {
  sys::TempDir certs_dir("bench-hold-sampler");
  mock::MockServerOptions server_options;
  server_options.certs_dir = certs_dir.path();
  server_options.port = 0;
  server_options.heartbeat = 10s;  // no heartbeats during the short hold: nothing but the streams' head
  auto server = mock::MockServer::Start(server_options);
  ASSERT_THAT(server.status(), testing::IsOk());

  for (int round = 0; round < 3; ++round) {
    std::atomic<int> samples{0};
    HoldPlan plan;
    plan.mode = HoldMode::kWatch;
    plan.target = PlanFor((*server)->certs_dir(), (*server)->port());
    plan.target.connections = 200;
    plan.target.duration = 20ms;
    plan.heartbeat = 10s;
    plan.memory_sample_interval = 1ms;
    plan.sample_server_memory = [&samples]() -> Result<ProcessMemory> {
      samples.fetch_add(1);
      return ProcessMemory{.rss_kb = 1000, .hwm_kb = 2000};
    };
    plan.extra_open_files = 200;  // the fake's end of every stream is in this process
    Result<HoldResult> result = RunHold(plan);
    ASSERT_THAT(result.status(), testing::IsOk());
    EXPECT_EQ(result->established, 200) << result->first_error[kTimeoutIndex];
    EXPECT_EQ(result->streams_open_at_end, 200);
    EXPECT_TRUE(result->server_memory.measured);
    EXPECT_EQ(result->server_memory.held_kb, 1000u);
    EXPECT_GE(samples.load(), 3) << "before, all open, end of the hold";
  }
}

TEST_F(HoldBounds, RefusedConnectsAreCountedAndTheRunEnds) {
  RawPort closed(/*listening=*/false);
  ASSERT_TRUE(closed.ok());
  for (HoldMode mode : {HoldMode::kWatch, HoldMode::kIdle}) {
    SCOPED_TRACE(std::string(HoldModeName(mode)));
    HoldPlan plan;
    plan.mode = mode;
    plan.target = PlanFor(dir_.path(), closed.port());
    plan.target.connections = 12;
    plan.target.threads = 2;  // every connection of every loop fails
    plan.target.duration = 10s;  // never held: nothing was established
    plan.ramp = 2;
    Clock::time_point start = Clock::now();
    Result<HoldResult> result = RunHold(plan);
    ASSERT_THAT(result.status(), testing::IsOk());
    EXPECT_LT(SecondsSince(start), 5.0) << "a refused connect is immediate; nothing to hold";
    EXPECT_EQ(result->established, 0);
    EXPECT_EQ(result->failed, 12);
    EXPECT_EQ(result->error_counts[kConnectIndex], 12u);
    EXPECT_THAT(result->first_error[kConnectIndex], HasSubstr("refused"));
    EXPECT_EQ(result->checked, 0);
    EXPECT_EQ(result->streams_open_at_end, 0);
    EXPECT_TRUE(result->Failed(plan));
  }
}

// A server that accepts TCP and never answers the TLS handshake (TLS) or the request (plain HTTP: the watch
// head never comes): each connection times out, `ramp` at a time, and the run reports them all.
TEST_F(HoldBounds, ConnectionsTheServerNeverAnswersTimeOutRampByRamp) {
  RawPort silent(/*listening=*/true);
  ASSERT_TRUE(silent.ok());
  for (bool tls : {true, false}) {
    SCOPED_TRACE(tls ? "TLS handshake never answered" : "watch head never sent");
    HoldPlan plan;
    plan.mode = HoldMode::kWatch;
    plan.target = PlanFor(dir_.path(), silent.port());
    if (!tls) plan.target.tls.reset();
    plan.target.connections = 6;
    plan.target.duration = 10s;
    plan.target.timeout = 200ms;
    plan.ramp = 2;
    Clock::time_point start = Clock::now();
    Result<HoldResult> result = RunHold(plan);
    ASSERT_THAT(result.status(), testing::IsOk());
    // Three waves of 200 ms; the opening phase's own bound would be (3 + 1) x 200 ms.
    double elapsed = SecondsSince(start);
    EXPECT_GE(elapsed, 0.6);
    EXPECT_LT(elapsed, 5.0);
    EXPECT_EQ(result->established, 0);
    EXPECT_EQ(result->failed, 6);
    EXPECT_EQ(result->error_counts[kTimeoutIndex], 6u);
    EXPECT_THAT(result->first_error[kTimeoutIndex], HasSubstr("not open within the timeout"));
    EXPECT_TRUE(result->Failed(plan));
  }
}

// The opening phase's overall bound: connections still opening, and those never opened, when it passes are
// counted as failed and the run goes on to the hold and the report.
TEST_F(HoldBounds, TheOpeningPhaseBoundCountsEveryConnectionNotOpenedByThen) {
  RawPort silent(/*listening=*/true);
  ASSERT_TRUE(silent.ok());
  HoldPlan plan;
  plan.mode = HoldMode::kWatch;
  plan.target = PlanFor(dir_.path(), silent.port());
  plan.target.connections = 6;
  plan.target.threads = 2;
  plan.target.duration = 10s;
  plan.target.timeout = 60s;  // no connection would time out by itself within the test
  plan.ramp = 2;
  plan.open_phase_bound = 300ms;
  Clock::time_point start = Clock::now();
  Result<HoldResult> result = RunHold(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_LT(SecondsSince(start), 10.0);
  EXPECT_EQ(result->established, 0);
  EXPECT_EQ(result->failed, 6) << "2 opening (one per loop) and 4 never opened";
  EXPECT_EQ(result->error_counts[kTimeoutIndex], 6u);
  EXPECT_THAT(result->first_error[kTimeoutIndex], HasSubstr("not opened within 0.3 s"));
  EXPECT_GE(result->establish_seconds, 0.3);
  EXPECT_TRUE(result->Failed(plan));
}

// The default opening bound follows from --timeout and --ramp: (ceil(connections per loop / ramp per loop)
// + 1) x timeout.
TEST(HoldPlanBounds, TheDefaultBoundsFollowFromTimeoutAndRamp) {
  HoldPlan plan;
  plan.target.connections = 1000;
  plan.target.threads = 1;
  plan.target.timeout = 10s;
  plan.ramp = 64;
  EXPECT_EQ(OpenPhaseBound(plan), std::chrono::seconds(10 * (16 + 1)));
  EXPECT_EQ(CheckPhaseBound(plan), std::chrono::seconds(20));
  plan.target.threads = 2;  // 500 per loop, 32 at a time
  EXPECT_EQ(OpenPhaseBound(plan), std::chrono::seconds(10 * (16 + 1)));
  plan.open_phase_bound = 5s;
  plan.check_phase_bound = 3s;
  EXPECT_EQ(OpenPhaseBound(plan), std::chrono::seconds(5));
  EXPECT_EQ(CheckPhaseBound(plan), std::chrono::seconds(3));
}

// The check phase's overall bound: an idle connection whose check request is never answered is counted as
// a failed check when it passes, even though the per-request timeout is far away.
TEST_F(HoldBounds, TheCheckPhaseBoundEndsChecksThatAreNeverAnswered) {
  constexpr int kConnections = 3;
  HeldServer held(dir_.path());
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  std::atomic<int> requests{0};
  held.server().Post("/held", [&](const httplib::Request&, httplib::Response& response) {
    if (requests.fetch_add(1) >= kConnections) {  // a check request: no answer until the test is over
      std::unique_lock lock(mutex);
      released_cv.wait(lock, [&] { return released; });
    }
    response.set_content(R"({"status":{"code":0}})", "application/json");
  });
  uint16_t port = held.Start();
  ASSERT_NE(port, 0);

  HoldPlan plan = IdleHoldOfHeld(dir_.path(), port, kConnections);
  plan.target.duration = 50ms;
  plan.target.timeout = 60s;
  plan.check_phase_bound = 300ms;
  Clock::time_point start = Clock::now();
  Result<HoldResult> result = RunHold(plan);
  double elapsed = SecondsSince(start);
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
  held.Stop();
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_LT(elapsed, 10.0);
  EXPECT_EQ(result->established, kConnections);
  EXPECT_EQ(result->checked, kConnections);
  EXPECT_EQ(result->alive, 0);
  EXPECT_EQ(result->check_failed, kConnections);
  EXPECT_EQ(result->check_error_counts[kTimeoutIndex], static_cast<uint64_t>(kConnections));
  EXPECT_THAT(result->first_check_error[kTimeoutIndex], HasSubstr("not answered within 0.3 s"));
  EXPECT_TRUE(result->Failed(plan));
}

}  // namespace
}  // namespace kuscia::bench
