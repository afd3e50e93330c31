// Smoke tests of `kuscia-conform bench` against the embedded fake: it runs, it reports sensible numbers.
// No timing assertions: CI machines vary, and the bench is never a timed pass/fail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/bench/bench.h"

namespace kuscia::bench {
namespace {

nlohmann::json RunJson(BenchOptions options, int expected_exit = 0) {
  options.json = true;
  std::ostringstream out, err;
  int exit_code = RunBench(options, out, err);
  EXPECT_EQ(exit_code, expected_exit) << err.str() << out.str();
  nlohmann::json doc = nlohmann::json::parse(out.str(), nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << out.str();
  return doc;
}

TEST(BenchSmoke, OneSecondKeepAliveAgainstTheEmbeddedFake) {
  BenchOptions options;
  options.connections = 4;
  options.duration = "1s";
  nlohmann::json doc = RunJson(options);
  uint64_t requests = doc["requests"];
  EXPECT_GT(requests, 0u);
  EXPECT_EQ(doc["http_status"]["200"], requests);
  EXPECT_EQ(doc["api_code"]["0"], requests) << "the prepared job must be found: " << doc.dump();
  EXPECT_EQ(doc["errors"]["total"], 0);
  EXPECT_EQ(doc["starved_connections"], 0);
  EXPECT_GT(doc["requests_per_second"].get<double>(), 0.0);
  EXPECT_LE(doc["latency_ms"]["p50"].get<double>(), doc["latency_ms"]["p99"].get<double>());
  EXPECT_LE(doc["latency_ms"]["p99"].get<double>(), doc["latency_ms"]["max"].get<double>());
  EXPECT_EQ(doc["settings"]["mutual_tls"], true);
}

TEST(BenchSmoke, NewHandshakePerRequestOpensOneConnectionPerRequest) {
  BenchOptions options;
  options.connections = 2;
  options.no_keep_alive = true;
  options.count = 20;
  nlohmann::json doc = RunJson(options);
  EXPECT_EQ(doc["requests"], 20);
  EXPECT_EQ(doc["connects"], 20);
  EXPECT_EQ(doc["errors"]["total"], 0);
}

TEST(BenchSmoke, LifecycleRunsJobsToTheirEnd) {
  BenchOptions options;
  options.workload = "lifecycle";
  options.connections = 2;
  options.count = 3;
  options.poll_interval = "20ms";
  options.embedded_task_duration = 0.05;
  nlohmann::json doc = RunJson(options);
  EXPECT_EQ(doc["jobs"]["completed"], 3) << doc.dump(2);
  EXPECT_EQ(doc["jobs"]["failures"], 0);
  EXPECT_EQ(doc["jobs"]["states"]["Succeeded"], 3);
  EXPECT_EQ(doc["jobs"]["latency_ms"]["count"], 3);
  EXPECT_GT(doc["jobs"]["latency_ms"]["min"].get<double>(), 0.0);
}

TEST(BenchSmoke, OptionsParseThroughCli11AndBadOnesExitTwo) {
  CLI::App app;
  BenchOptions options;
  AddBenchOptions(app, options);
  std::vector<std::string> args = {"--json", "-n", "5", "-c", "2", "--no-keep-alive", "--rate", "50",
                                   "--target", "https://127.0.0.1:9"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  EXPECT_EQ(options.count, 5u);
  EXPECT_EQ(options.connections, 2);
  EXPECT_TRUE(options.no_keep_alive);
  EXPECT_EQ(options.rate, 50);
  std::ostringstream out, err;
  EXPECT_EQ(RunBench(options, out, err), 2);
  EXPECT_THAT(err.str(), ::testing::HasSubstr("--certs DIR is required"));

  BenchOptions bad_duration;
  bad_duration.duration = "ten seconds";
  std::ostringstream out2, err2;
  EXPECT_EQ(RunBench(bad_duration, out2, err2), 2);
  EXPECT_THAT(err2.str(), ::testing::HasSubstr("--duration must look like 250ms, 10s or 2m, got 'ten seconds'"));
}

}  // namespace
}  // namespace kuscia::bench
