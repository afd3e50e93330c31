// The idle and watch modes end to end: against the embedded fake (small N, port 0), against an in-test
// fake with a fault (no heartbeats), and against a server that closes idle connections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "certs/kuscia_dir.h"
#include "harness/bench/bench.h"
#include "harness/bench/hold_plan.h"
#include "harness/bench/hold_test_support.h"
#include "mock_server/control/control_plane.h"
#include "mock_server/faults/fault_rule.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::bench {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

nlohmann::json RunJson(BenchOptions options, int expected_exit = 0) {
  options.json = true;
  std::ostringstream out, err;
  int exit_code = RunBench(options, out, err);
  EXPECT_EQ(exit_code, expected_exit) << err.str() << out.str();
  nlohmann::json doc = nlohmann::json::parse(out.str(), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << out.str() << err.str();
  return doc;
}

TEST(HoldModes, IdleHoldsEveryConnectionAndChecksItAtTheEnd) {
  BenchOptions options;
  options.mode = "idle";
  options.connections = 50;
  options.duration = "200ms";
  options.ramp = 16;
  nlohmann::json doc = RunJson(options);
  EXPECT_EQ(doc["mode"], "idle");
  EXPECT_EQ(doc["connections"]["requested"], 50);
  EXPECT_EQ(doc["connections"]["established"], 50) << doc["connections"].dump();
  EXPECT_EQ(doc["connections"]["failed"], 0);
  EXPECT_EQ(doc["connections"]["closed_during_hold"], 0);
  EXPECT_EQ(doc["establish"]["latency_ms"]["count"], 50);
  EXPECT_GE(doc["hold_seconds"].get<double>(), 0.2);
  EXPECT_EQ(doc["idle"]["checked"], 50);
  EXPECT_EQ(doc["idle"]["alive"], 50);
  EXPECT_EQ(doc["idle"]["failed"], 0);
  EXPECT_EQ(doc["idle"]["http_status"]["200"], 50);
  EXPECT_EQ(doc["settings"]["mutual_tls"], true);
  // The embedded fake shares this process: its RSS is reported, with the caveat.
  EXPECT_EQ(doc["server_memory"]["measured"], true);
  EXPECT_THAT(doc["server_memory"]["source"].get<std::string>(), HasSubstr("the embedded fake AND the bench's own client"));
  EXPECT_GT(doc["server_memory"]["before_kb"].get<uint64_t>(), 0u);
  EXPECT_GT(doc["server_memory"]["held_kb"].get<uint64_t>(), 0u);
  EXPECT_GE(doc["server_memory"]["hwm_kb"].get<uint64_t>(), doc["server_memory"]["held_kb"].get<uint64_t>());
  EXPECT_GE(doc["open_file_limit"].get<uint64_t>(), 2u * 50);
  EXPECT_EQ(doc["failed"], false);
}

TEST(HoldModes, IdleChecksOnlyTheSampleAskedFor) {
  BenchOptions options;
  options.mode = "idle";
  options.connections = 40;
  options.threads = 2;
  options.duration = "100ms";
  options.check_sample = 10;
  nlohmann::json doc = RunJson(options);
  EXPECT_EQ(doc["connections"]["established"], 40);
  EXPECT_EQ(doc["idle"]["checked"], 10);
  EXPECT_EQ(doc["idle"]["alive"], 10);
}

TEST(HoldModes, WatchSeesTheInitialEventsAndCountsHeartbeats) {
  BenchOptions options;
  options.mode = "watch";
  options.connections = 20;
  options.heartbeat = "100ms";
  options.heartbeat_tolerance = "150ms";  // a loaded CI machine may stall a beat; lateness is still reported
  options.duration = "500ms";
  nlohmann::json doc = RunJson(options);
  const nlohmann::json& watch = doc["watch"];
  EXPECT_EQ(doc["connections"]["established"], 20) << doc["connections"].dump();
  EXPECT_EQ(doc["connections"]["closed_during_hold"], 0);
  EXPECT_EQ(watch["streams_open_at_end"], 20);
  // The embedded target prepares bench-finished-job; every stream starts with ADDED for it.
  EXPECT_EQ(doc["settings"]["expected_job"], kDefaultBenchJob);
  EXPECT_EQ(watch["streams_with_expected_job"], 20) << watch.dump();
  EXPECT_EQ(watch["streams_with_initial_events"], 20);
  EXPECT_GE(watch["initial_events"].get<uint64_t>(), 20u);
  EXPECT_EQ(watch["first_event_ms"]["count"], 20);
  const nlohmann::json& beats = watch["heartbeats"];
  EXPECT_EQ(beats["streams_with_heartbeat"], 20) << beats.dump();
  EXPECT_GE(beats["received"].get<uint64_t>(), 20u);
  uint64_t judged = beats["on_time"].get<uint64_t>() + beats["late"].get<uint64_t>() + beats["early"].get<uint64_t>();
  EXPECT_EQ(beats["received"].get<uint64_t>(), judged + beats["unjudged"].get<uint64_t>());
  EXPECT_GE(judged, 20u) << "500 ms of hold after every stream was open: every stream's beats are judged";
  EXPECT_EQ(beats["lateness_ms"]["count"], judged);
  EXPECT_EQ(beats["missing"], 0);
  EXPECT_EQ(doc["settings"]["heartbeat_ms"], 100.0);
  EXPECT_EQ(doc["server_memory"]["measured"], true);
}

TEST(HoldModes, WatchCountsHeartbeatsThatNeverCame) {
  sys::TempDir certs("bench-hold-watch");
  mock::MockServerOptions server_options;
  server_options.certs_dir = certs.path();
  server_options.port = 0;
  server_options.heartbeat = 100ms;
  auto server = mock::MockServer::Start(server_options);
  ASSERT_THAT(server.status(), testing::IsOk());
  auto rule = mock::faults::ParseFaultRule(nlohmann::json::parse(R"({"route":"job.watch","fault":"watch_no_heartbeats"})"));
  ASSERT_THAT(rule.status(), testing::IsOk());
  (*server)->control().faults().Add(*rule);

  HoldPlan plan;
  plan.mode = HoldMode::kWatch;
  plan.target = PlanFor((*server)->certs_dir(), (*server)->port());
  plan.target.connections = 5;
  plan.target.duration = 400ms;
  plan.heartbeat = 100ms;
  plan.heartbeat_tolerance = 20ms;
  Result<HoldResult> result = RunHold(plan);
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->established, 5);
  EXPECT_EQ(result->streams_open_at_end, 5);
  EXPECT_EQ(result->heartbeats.received, 0u);
  // At least 400 ms of silence on each stream: the beats due at 100, 200 and 300 ms never came.
  EXPECT_GE(result->heartbeats.missing, 5u * 3);
  EXPECT_TRUE(result->Failed(plan));
  EXPECT_FALSE(result->server_memory.measured) << "no sampler was given";
}

TEST(HoldModes, IdleCountsConnectionsTheServerClosed) {
  // A server with a 1 s keep-alive timeout closes every idle connection during a 1.5 s hold.
  sys::TempDir dir("bench-hold-idle");
  auto paths = certs::WriteKusciaDir({.dir = dir.path(), .add_host_sans = false});
  ASSERT_THAT(paths.status(), testing::IsOk());
  HeldServer held(dir.path());
  held.server().set_keep_alive_timeout(1);
  held.server().Post("/held", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"status":{"code":0}})", "application/json");
  });
  uint16_t port = held.Start();
  ASSERT_NE(port, 0);

  HoldPlan plan = IdleHoldOfHeld(dir.path(), port, 4);
  plan.target.duration = 1500ms;
  Result<HoldResult> result = RunHold(plan);
  held.Stop();
  ASSERT_THAT(result.status(), testing::IsOk());
  EXPECT_EQ(result->established, 4);
  EXPECT_EQ(result->closed_during_hold, 4);
  EXPECT_THAT(result->first_close_reason, HasSubstr("closed"));
  EXPECT_EQ(result->checked, 0) << "a closed connection has nothing to check";
  EXPECT_EQ(result->alive, 0);
  EXPECT_TRUE(result->Failed(plan));
}

TEST(HoldModes, OptionsThatDoNotFitAHoldModeExitTwo) {
  CLI::App app;
  BenchOptions parsed;
  AddBenchOptions(app, parsed);
  std::vector<std::string> args = {"--mode", "watch", "--server-pid", "1", "--server-pid", "2", "--heartbeat", "1s",
                                   "--heartbeat-tolerance", "300ms", "--check-sample", "7", "--ramp", "32"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_EQ(parsed.mode, "watch");
  EXPECT_THAT(parsed.server_pids, ::testing::ElementsAre(1, 2));
  EXPECT_EQ(parsed.heartbeat, "1s");
  EXPECT_EQ(parsed.heartbeat_tolerance, "300ms");
  EXPECT_EQ(parsed.check_sample, 7);
  EXPECT_EQ(parsed.ramp, 32);

  auto expect_usage_error = [](BenchOptions options, std::string_view message) {
    std::ostringstream out, err;
    EXPECT_EQ(RunBench(options, out, err), 2) << err.str();
    EXPECT_THAT(err.str(), HasSubstr(message));
  };
  BenchOptions bad_mode;
  bad_mode.mode = "sleep";
  expect_usage_error(bad_mode, "--mode must be load, idle or watch, got 'sleep'");
  BenchOptions counted;
  counted.mode = "idle";
  counted.count = 5;
  expect_usage_error(counted, "--count does not apply to --mode idle");
  BenchOptions embedded_pid;
  embedded_pid.mode = "idle";
  embedded_pid.server_pids = {1};
  expect_usage_error(embedded_pid, "--server-pid is for a separately started server");
  BenchOptions no_beat;
  no_beat.mode = "watch";
  no_beat.heartbeat = "0s";
  expect_usage_error(no_beat, "--heartbeat must be positive");
}

}  // namespace
}  // namespace kuscia::bench
