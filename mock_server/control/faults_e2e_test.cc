// Every fault kind and rule property with a real client (curl, or cpp-httplib for volume), asserting what
// the client sees; plus the journal's memory bound and a watch stream under a slow consumer.
#include <httplib.h>

#include <atomic>
#include <thread>

#include "mock_server/control/e2e_fixture.h"
#include "mock_server/engine/engine.h"
#include "mock_server/transport/test_client.h"

namespace kuscia::mock::control::testing {
namespace {

using ::kuscia::testing::WaitFor;
using ::testing::AnyOf;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

class FaultsE2eTest : public ControlE2eTest {
 protected:
  uint64_t AddFault(const std::string& rule) {
    Json added = AdminJson("POST", "/admin/faults", rule);
    return added.value("id", uint64_t{0});
  }
  // The journal entries that carry a fault of this kind.
  Json Faulted(const std::string& kind) { return AdminJson("GET", "/admin/journal?fault=" + kind)["entries"]; }

  static size_t Occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }
};

TEST_F(FaultsE2eTest, DelayHoldsOnlyTheFaultedAnswer) {
  StartServer();
  AddFault(R"({"route":"health","count":1,"fault":"delay","delay":"1500ms"})");
  std::atomic<bool> delayed_done{false};
  Clock::duration delayed_took{};
  std::thread delayed([&] {
    auto start = Clock::now();
    CurlResult r = Api("/healthZ");
    delayed_took = Clock::now() - start;
    EXPECT_EQ(r.http_status, 200);
    delayed_done = true;
  });
  // While it waits, other requests are answered at once (the delay runs on a timer, not a thread).
  ASSERT_TRUE(WaitFor([&] { return AdminJson("GET", "/admin/faults")["faults"][0]["fired"] == 1; }, 5s));
  auto start = Clock::now();
  EXPECT_EQ(Api("/api/v1/job/query", R"({"job_id":"x"})").http_status, 200);
  EXPECT_LT(Clock::now() - start, 1000ms);
  EXPECT_FALSE(delayed_done);
  delayed.join();
  EXPECT_GE(delayed_took, 1500ms);
  Json entries = Faulted("delay");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_GE(entries[0]["response"]["duration_ms"].get<double>(), 1500.0);
}

TEST_F(FaultsE2eTest, UniformDelayStaysInItsRange) {
  StartServer();
  AddFault(R"({"route":"health","fault":"delay","delay":{"min":"200ms","max":"400ms"},"seed":3})");
  for (int i = 0; i < 3; ++i) {
    auto start = Clock::now();
    EXPECT_EQ(Api("/healthZ").http_status, 200);
    EXPECT_GE(Clock::now() - start, 200ms);
  }
  for (const Json& e : Faulted("delay")) {
    EXPECT_GE(e["response"]["duration_ms"].get<double>(), 200.0);
    EXPECT_LT(e["response"]["duration_ms"].get<double>(), 450.0);
  }
}

TEST_F(FaultsE2eTest, HttpStatusOverrideWithAndWithoutABody) {
  StartServer();
  AddFault(R"({"route":"health","count":1,"fault":"http_status","status":503,"body":"upstream busy"})");
  AddFault(R"({"route":"job.query","count":1,"fault":"http_status","status":500})");
  CurlResult busy = Api("/healthZ");
  EXPECT_EQ(busy.http_status, 503);
  EXPECT_EQ(busy.body, "upstream busy");
  CurlResult query = Api("/api/v1/job/query", R"({"job_id":"x"})");
  EXPECT_EQ(query.http_status, 500);
  EXPECT_THAT(query.body, HasSubstr(R"("code":11202)"));  // body kept
  EXPECT_EQ(Faulted("http_status")[0]["response"]["http_status"], 503);
}

TEST_F(FaultsE2eTest, ApiStatusRewritesTheEnvelope) {
  StartServer();
  AddFault(R"({"route":"health","fault":"api_status","code":11100,"message":"injected by the control plane"})");
  CurlResult r = Api("/healthZ");
  EXPECT_EQ(r.http_status, 200);
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["status"]["code"], 11100);
  EXPECT_EQ(body["status"]["message"], "injected by the control plane");
  EXPECT_EQ(AdminJson("GET", "/admin/journal?code=11100")["entries"].size(), 1u);
}

TEST_F(FaultsE2eTest, DropFieldsRemovesMembersAndArrayElementsAndIgnoresMissingOnes) {
  StartServer();
  AddFault(R"({"route":"health","fault":"drop_fields","fields":["/data/ready","/status/details","/no/such/field"]})");
  CurlResult r = Api("/healthZ");
  EXPECT_EQ(r.http_status, 200);
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["status"]["code"], 0);
  EXPECT_FALSE(body["status"].contains("details")) << r.body;
  EXPECT_FALSE(body["data"].contains("ready")) << r.body;
  EXPECT_EQ(AdminJson("GET", "/admin/journal?fault=drop_fields")["entries"].size(), 1u);
}

TEST_F(FaultsE2eTest, MalformedJsonIsACompleteResponseThatDoesNotParse) {
  StartServer();
  AddFault(R"({"route":"health","fault":"malformed_json"})");
  CurlResult r = Api("/healthZ");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_FALSE(r.body.empty());
  EXPECT_TRUE(Json::parse(r.body, nullptr, false).is_discarded()) << r.body;
}

TEST_F(FaultsE2eTest, TruncatedBodyAndCloseAfterHeadersArePartialTransfers) {
  StartServer();
  AddFault(R"({"route":"health","count":1,"fault":"truncated_body","bytes":5})");
  CurlResult truncated = Api("/healthZ");
  EXPECT_EQ(truncated.exit_code, 18) << truncated.stderr_text;  // CURLE_PARTIAL_FILE
  EXPECT_EQ(truncated.body.substr(0, 5), R"({"sta)");
  AddFault(R"({"route":"health","count":1,"fault":"close_after_headers"})");
  CurlResult headers_only = Api("/healthZ");
  EXPECT_EQ(headers_only.exit_code, 18) << headers_only.stderr_text;
  EXPECT_EQ(headers_only.http_status, 200);
  EXPECT_EQ(headers_only.body, "");
  EXPECT_EQ(Api("/healthZ").exit_code, 0);  // both rules spent
}

TEST_F(FaultsE2eTest, ResetsBeforeAndDuringTheResponse) {
  StartServer();
  AddFault(R"({"route":"health","count":1,"fault":"reset_before_response"})");
  CurlResult before = Api("/healthZ");
  EXPECT_THAT(before.exit_code, AnyOf(Eq(56), Eq(52), Eq(35))) << before.stderr_text;
  EXPECT_EQ(before.http_status, 0);
  AddFault(R"({"route":"health","count":1,"fault":"reset_mid_response","bytes":10})");
  CurlResult mid = Api("/healthZ");
  EXPECT_THAT(mid.exit_code, AnyOf(Eq(56), Eq(18))) << mid.stderr_text;
  Json resets = AdminJson("GET", "/admin/journal?fault=reset_before_response")["entries"];
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_EQ(resets[0]["response"]["http_status"], 0);
}

TEST_F(FaultsE2eTest, SlowBodyDribblesTheWholeAnswer) {
  StartServer();
  AddFault(R"({"route":"health","fault":"slow_body","chunk_bytes":16,"interval":"60ms"})");
  auto start = Clock::now();
  CurlResult r = Api("/healthZ");
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  Json body = Json::parse(r.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << r.body;
  EXPECT_EQ(body["status"]["code"], 0);
  // ceil(size / 16) pieces with a pause between each.
  size_t pieces = (r.body.size() + 15) / 16;
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(60 * (pieces - 1)));
}

TEST_F(FaultsE2eTest, CountSkipJobIdAndProbabilityDecideWhichCallsFail) {
  StartServer();
  // "the next 2 calls to /api/v1/job/create" for jobs named job-x*, after letting one through.
  AddFault(R"({"route":"/api/v1/job/create","job_id":"job-x*","skip":1,"count":2,"fault":"http_status","status":503})");
  EXPECT_EQ(Api("/api/v1/job/create", JobBody("job-other")).http_status, 200);  // not matched
  EXPECT_EQ(Api("/api/v1/job/create", JobBody("job-x1")).http_status, 200);     // skipped
  EXPECT_EQ(Api("/api/v1/job/create", JobBody("job-x2")).http_status, 503);
  EXPECT_EQ(Api("/api/v1/job/create", JobBody("job-x3")).http_status, 503);
  EXPECT_EQ(Api("/api/v1/job/create", JobBody("job-x4")).http_status, 200);     // spent
  Json rule = AdminJson("GET", "/admin/faults")["faults"][0];
  EXPECT_EQ(rule["matched"], 3);  // counted while the rule was live: x1 (skipped), x2, x3
  EXPECT_EQ(rule["fired"], 2);
  EXPECT_EQ(rule["remaining"], 0);
  // The work was done even when the answer was faulted: a client retry meets "already exists".
  EXPECT_THAT(Api("/api/v1/job/create", JobBody("job-x2")).body, HasSubstr("already exists"));

  // Probability with a seed: the same pattern of failures in every run.
  auto pattern = [&] {
    (void)AdminJson("DELETE", "/admin/faults");
    AddFault(R"({"route":"health","probability":0.5,"seed":11,"fault":"http_status","status":502})");
    std::string seen;
    for (int i = 0; i < 12; ++i) seen += Api("/healthZ").http_status == 502 ? "x" : ".";
    return seen;
  };
  std::string first = pattern();
  EXPECT_EQ(pattern(), first);
  EXPECT_THAT(first, HasSubstr("x"));
  EXPECT_THAT(first, HasSubstr("."));
}

TEST_F(FaultsE2eTest, DeletedFaultStopsFiring) {
  StartServer();
  uint64_t id = AddFault(R"({"route":"health","fault":"http_status","status":503})");
  EXPECT_EQ(Api("/healthZ").http_status, 503);
  EXPECT_EQ(AdminJson("DELETE", "/admin/faults/" + std::to_string(id))["deleted"], id);
  EXPECT_EQ(Api("/healthZ").http_status, 200);
  (void)AdminJson("DELETE", "/admin/faults/" + std::to_string(id), {}, 404);
}

TEST_F(FaultsE2eTest, WatchCutAfterNEvents) {
  StartServer();
  for (const char* id : {"job-w1", "job-w2", "job-w3"}) ASSERT_EQ(Api("/api/v1/job/create", JobBody(id)).http_status, 200);
  AddFault(R"({"route":"job.watch","fault":"watch_cut","events":2})");
  CurlResult r = Api("/api/v1/job/watch", R"({"timeout_seconds":5})");
  EXPECT_EQ(r.exit_code, 18) << r.stderr_text;  // no final chunk
  EXPECT_EQ(Occurrences(r.body, R"("object":)"), 2u) << r.body;
}

TEST_F(FaultsE2eTest, WatchDuplicateEventsSendsEachTwice) {
  StartServer();
  ASSERT_EQ(Api("/api/v1/job/create", JobBody("job-dup")).http_status, 200);
  // Wait until the job stops changing, so the stream carries only its ADDED event.
  ASSERT_TRUE(WaitFor(
      [&] {
        Result<engine::JobSnapshot> job = server_->engine().GetJob("job-dup");
        return job.ok() && engine::IsTerminal(job->phase);
      },
      10s));
  AddFault(R"({"route":"job.watch","count":1,"fault":"watch_duplicate_events"})");
  CurlResult r = Api("/api/v1/job/watch", R"({"timeout_seconds":1})");
  EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
  EXPECT_EQ(Occurrences(r.body, R"("job_id":"job-dup")"), 2u) << r.body;
  CurlResult normal = Api("/api/v1/job/watch", R"({"timeout_seconds":1})");
  EXPECT_EQ(Occurrences(normal.body, R"("job_id":"job-dup")"), 1u) << normal.body;
}

TEST_F(FaultsE2eTest, WatchWithoutHeartbeats) {
  StartServer([](MockServerOptions& o) { o.heartbeat = 100ms; });
  CurlResult normal = Api("/api/v1/job/watch", R"({"timeout_seconds":1})");
  EXPECT_THAT(normal.body, HasSubstr(R"({"type":4})"));
  AddFault(R"({"route":"job.watch","fault":"watch_no_heartbeats"})");
  CurlResult silent = Api("/api/v1/job/watch", R"({"timeout_seconds":1})");
  EXPECT_EQ(silent.exit_code, 0);
  EXPECT_THAT(silent.body, Not(HasSubstr(R"({"type":4})")));
}

TEST_F(FaultsE2eTest, ResetBeforeResponseCutsAWatchBeforeItStarts) {
  StartServer();
  AddFault(R"({"route":"job.watch","count":1,"fault":"reset_before_response"})");
  CurlResult r = Api("/api/v1/job/watch", R"({"timeout_seconds":1})");
  EXPECT_EQ(r.http_status, 0);
  EXPECT_THAT(r.exit_code, AnyOf(Eq(56), Eq(52), Eq(35))) << r.stderr_text;
}

// Volume through the real server (notls, one keep-alive connection): the journal stays at its capacity.
TEST_F(FaultsE2eTest, TenThousandRequestsThroughAJournalOfAThousandKeepMemoryFlat) {
  StartServer([](MockServerOptions& o) {
    o.mode = transport::ProtocolMode::kNoTls;
    o.journal_size = 1000;
  });
  httplib::Client client("127.0.0.1", server_->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // httplib writes head and body apart: without it each request waits ~40 ms
  auto send = [&](int n) {
    for (int i = 0; i < n; ++i) {
      auto r = client.Post("/healthZ", "{}", "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200);
    }
  };
  send(1000);
  journal::JournalStats full = server_->control().journal().Stats();
  EXPECT_EQ(full.dropped, 0u);
  send(9000);
  journal::JournalStats after = server_->control().journal().Stats();
  EXPECT_EQ(after.total, 10000u);
  EXPECT_EQ(after.size, 1000u);
  EXPECT_EQ(after.dropped, 9000u);
  EXPECT_LE(after.approx_bytes, full.approx_bytes + full.approx_bytes / 20);
  Json stats = AdminJson("GET", "/admin/journal?limit=1")["stats"];
  EXPECT_EQ(stats["dropped"], 9000);
}

// A consumer that stops reading a watch stream does not hold anyone else up, and its stream keeps every
// event (the transport queues them) until it reads again.
TEST_F(FaultsE2eTest, WatchSurvivesASlowConsumerWithoutBlockingOthers) {
  StartServer([](MockServerOptions& o) { o.mode = transport::ProtocolMode::kNoTls; });
  auto slow = transport::testing::RawConnection::Connect(server_->port(), /*receive_buffer=*/4096);
  ASSERT_TRUE(slow.connected());
  std::string watch_body = R"({"timeout_seconds":60})";
  ASSERT_TRUE(slow.Send("POST /api/v1/job/watch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: " + std::to_string(watch_body.size()) + "\r\n\r\n" + watch_body));
  ASSERT_TRUE(WaitFor([&] { return server_->control().journal().Count({.path = "/api/v1/job/watch"}) == 1; }, 5s));

  httplib::Client client("127.0.0.1", server_->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // httplib writes head and body apart: without it each request waits ~40 ms
  constexpr int kJobs = 150;
  auto slowest = Clock::duration::zero();
  for (int i = 0; i < kJobs; ++i) {
    auto start = Clock::now();
    auto r = client.Post("/api/v1/job/create", JobBody("job-slow-" + std::to_string(i)), "application/json");
    slowest = std::max(slowest, Clock::now() - start);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }
  EXPECT_LT(slowest, 1000ms);
  // Now the consumer reads: everything is there, in order, and the stream is still open.
  std::string last = "job-slow-" + std::to_string(kJobs - 1);
  std::string received =
      slow.ReadUntil([&](const std::string& got) { return got.find("\"" + last + "\"") != std::string::npos; }, 20s);
  EXPECT_NE(received.find("\"" + last + "\""), std::string::npos);
  EXPECT_NE(received.find("\"job-slow-0\""), std::string::npos);
  EXPECT_FALSE(slow.peer_closed());
}

}  // namespace
}  // namespace kuscia::mock::control::testing
