// Stream reads (ClientRequest::stream) by every client against the real fake's WatchJob (reference
// §5.1.10): the initial ADDED burst, heartbeats, MODIFIED events, each way a read ends, a stream a fault
// cuts, and answers that are not a stream at all. The fake runs on a manual clock, so jobs change only when
// a test moves it and the stream carries nothing the test did not ask for.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "certs/kuscia_dir.h"
#include "harness/client/builtin_client.h"
#include "harness/client/client.h"
#include "harness/client/curl_client.h"
#include "harness/client/exec_client.h"
#include "harness/client/json_object_splitter.h"
#include "mock_server/control/control_plane.h"
#include "mock_server/faults/fault_rule.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "sys/process.h"
#include "testing/status_matchers.h"
#include "testing/wait.h"

namespace kuscia::harness {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr char kWatchPath[] = "/api/v1/job/watch";

// A one-task job between the default domains.
std::string JobBody(const std::string& job_id) {
  return R"({"job_id":")" + job_id +
         R"(","initiator":"alice","max_parallelism":1,"tasks":[{"app_image":"secretflow-image",)"
         R"("parties":[{"domain_id":"alice"},{"domain_id":"bob"}],"alias":"job-psi","task_input_config":"{}"}]})";
}

std::string ClientSpec(const std::string& param) {
  if (param == "exec") return "exec:python3 " + std::string(KC_SOURCE_DIR) + "/harness/examples/python_client.py";
  return param;
}

class StreamE2e : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "curl" && !sys::FindOnPath("curl")) GTEST_SKIP() << "curl is not installed";
    auto client = MakeClient(ClientSpec(GetParam()));
    ASSERT_THAT(client, IsOk());
    client_ = std::move(*client);
  }

  void StartServer(std::chrono::milliseconds heartbeat = 10s) {
    certs::KusciaDirOptions certs_options;
    certs_options.dir = dir_.path() / "certs";
    certs_options.add_host_sans = false;
    ASSERT_THAT(certs::WriteKusciaDir(certs_options).status(), IsOk());
    mock::MockServerOptions options;
    options.certs_dir = certs_options.dir;
    options.port = 0;
    options.clock = mock::ClockKind::kManual;
    options.heartbeat = heartbeat;
    options.threads = 2;
    Result<std::unique_ptr<mock::MockServer>> server = mock::MockServer::Start(options);
    ASSERT_THAT(server.status(), IsOk());
    server_ = std::move(server).value();
  }

  ClientRequest Call(const std::string& path, std::string body) const {
    ClientRequest r{.base_url = server_->base_url(), .path = path, .body = std::move(body)};
    r.headers = {{"Content-Type", "application/json"}};
    r.identity = ClientIdentity::FromKusciaDir(server_->certs_dir());
    r.timeout = 10s;
    return r;
  }

  ClientRequest Watch(int timeout_seconds, StreamRead read) const {
    ClientRequest r = Call(kWatchPath, R"({"timeout_seconds":)" + std::to_string(timeout_seconds) + "}");
    r.stream = read;
    return r;
  }

  // Jobs are made with the builtin client, whichever client is under test: only the watch is the subject.
  void CreateJobs(std::initializer_list<const char*> ids) {
    BuiltinClient builtin;
    for (const char* id : ids) {
      Result<Outcome> o = builtin.Send(Call("/api/v1/job/create", JobBody(id)));
      ASSERT_THAT(o, IsOk());
      ASSERT_EQ(o->api_code, 0) << o->body;
    }
  }

  void AddFault(const std::string& rule) {
    Result<mock::faults::FaultRule> parsed = mock::faults::ParseFaultRule(Json::parse(rule));
    ASSERT_THAT(parsed.status(), IsOk());
    server_->control().faults().Add(*parsed);
  }

  Outcome Read(const ClientRequest& r) {
    Result<Outcome> o = client_->Send(r);
    EXPECT_THAT(o, IsOk());
    if (!o.ok()) return Outcome{};
    EXPECT_TRUE(o->stream.has_value()) << "a stream read must report how the stream went";
    if (!o->stream) o->stream.emplace();
    return *o;
  }

  static std::set<std::string> JobIds(const std::vector<Json>& events) {
    std::set<std::string> ids;
    for (const Json& e : events) ids.insert(e["object"]["job_id"].get<std::string>());
    return ids;
  }

  sys::TempDir dir_{"kc-stream"};
  std::unique_ptr<mock::MockServer> server_;
  std::unique_ptr<Client> client_;
};

// timeout_seconds ends the watch normally (the final chunk): the ADDED burst for the existing jobs, as
// objects with no separator and no "type" (ADDED is 0, omitted).
TEST_P(StreamE2e, InitialAddedEventsThenTheServerCloses) {
  StartServer();
  CreateJobs({"job-a", "job-b"});
  Outcome o = Read(Watch(1, {.max_events = 0, .max_time = 10s}));
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_THAT(o.Header("Content-Type").value_or(""), HasSubstr("application/json"));
  EXPECT_EQ(StreamEndName(o.stream->end), "server_closed") << o.detail;
  ASSERT_EQ(o.stream->events.size(), 2u) << o.body;
  for (const Json& e : o.stream->events) {
    EXPECT_FALSE(e.contains("type")) << e;
    EXPECT_EQ(e["object"]["status"]["state"], "Pending") << e;
  }
  EXPECT_EQ(JobIds(o.stream->events), (std::set<std::string>{"job-a", "job-b"}));
  EXPECT_THAT(o.body, HasSubstr("}}}{\"object\":"));  // concatenated, no separator
  EXPECT_EQ(o.stream->parse_error, "");
  EXPECT_EQ(o.api_code, std::nullopt);  // a stream is not an envelope
}

TEST_P(StreamE2e, HeartbeatsAfterSilenceCountAsEvents) {
  StartServer(/*heartbeat=*/50ms);
  Outcome o = Read(Watch(60, {.max_events = 2, .max_time = 10s}));
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_EQ(StreamEndName(o.stream->end), "max_events");
  ASSERT_EQ(o.stream->events.size(), 2u) << o.body;
  EXPECT_EQ(o.stream->events[0], Json::parse(R"({"type":4})"));
  EXPECT_EQ(o.stream->events[1], Json::parse(R"({"type":4})"));
  EXPECT_EQ(o.body, R"({"type":4}{"type":4})");
}

// The read stops at the limit (long before max_time and the server's timeout) and the body ends with the
// last counted object, whatever else arrived in the same piece.
TEST_P(StreamE2e, MaxEventsStopsTheReadAndCutsTheBody) {
  StartServer();
  CreateJobs({"job-1", "job-2", "job-3"});
  Outcome o = Read(Watch(60, {.max_events = 2, .max_time = 30s}));
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_EQ(StreamEndName(o.stream->end), "max_events");
  ASSERT_EQ(o.stream->events.size(), 2u) << o.body;
  JsonObjectSplitter body;
  body.Feed(o.body);
  EXPECT_EQ(body.count(), 2u);
  EXPECT_EQ(body.end_of_last_object(), o.body.size());
  EXPECT_LT(o.elapsed, 20s);
}

// A stream with nothing more to say (heartbeats 10 s apart) ends at max_time as a normal end.
TEST_P(StreamE2e, MaxTimeEndsASilentStreamNormally) {
  StartServer();
  CreateJobs({"job-quiet"});
  Outcome o = Read(Watch(60, {.max_events = 5, .max_time = 400ms}));
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_EQ(StreamEndName(o.stream->end), "max_time");
  ASSERT_EQ(o.stream->events.size(), 1u) << o.body;
  EXPECT_EQ(o.stream->events[0]["object"]["job_id"], "job-quiet");
  EXPECT_GE(o.elapsed, 350ms);  // curl rounds its --max-time; no client stops early
  EXPECT_LT(o.elapsed, 9s);
}

// A job that changes while the stream is open shows up as MODIFIED ("type":1).
TEST_P(StreamE2e, ModifiedEventWhenAJobChanges) {
  StartServer();
  CreateJobs({"job-m"});
  Outcome o;
  std::thread reader([&] { o = Read(Watch(60, {.max_events = 2, .max_time = 30s})); });
  // The journal has the watch once its subscription (and the ADDED burst) exists; only then move time.
  bool watching = kuscia::testing::WaitFor(
      [&] { return server_->control().journal().Count({.path = kWatchPath}) == 1; }, 20s);
  EXPECT_TRUE(watching);
  EXPECT_THAT(server_->control().AdvanceClock(2s), IsOk());
  reader.join();
  ASSERT_TRUE(watching);
  EXPECT_EQ(StreamEndName(o.stream->end), "max_events") << o.detail;
  ASSERT_EQ(o.stream->events.size(), 2u) << o.body;
  EXPECT_FALSE(o.stream->events[0].contains("type"));
  EXPECT_EQ(o.stream->events[1]["type"], 1);
  EXPECT_EQ(o.stream->events[1]["object"]["job_id"], "job-m");
  EXPECT_NE(o.stream->events[1]["object"]["status"], o.stream->events[0]["object"]["status"]) << o.body;
}

// watch_cut: FIN without the final chunk after 2 events. The class a truncated unary body gets (curl 18),
// with the events before the cut kept.
TEST_P(StreamE2e, CutStreamIsConnectionResetAndKeepsItsEvents) {
  StartServer();
  CreateJobs({"job-c1", "job-c2", "job-c3"});
  AddFault(R"({"route":"job.watch","fault":"watch_cut","events":2})");
  Outcome o = Read(Watch(60, {.max_events = 0, .max_time = 20s}));
  EXPECT_EQ(TransportClassName(o.transport), "connection_reset") << o.detail;
  EXPECT_EQ(StreamEndName(o.stream->end), "error");
  EXPECT_EQ(o.http_status, 200);  // the head did arrive
  ASSERT_EQ(o.stream->events.size(), 2u) << o.body;
  EXPECT_EQ(o.stream->events[0]["object"]["status"]["state"], "Pending");
}

// The same cut past the events a read wants is never observed: a max_events end.
TEST_P(StreamE2e, CutAfterTheWantedEventsIsNotObserved) {
  StartServer();
  CreateJobs({"job-d1", "job-d2"});
  AddFault(R"({"route":"job.watch","fault":"watch_cut","events":2})");
  Outcome o = Read(Watch(60, {.max_events = 2, .max_time = 20s}));
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(StreamEndName(o.stream->end), "max_events");
  EXPECT_EQ(o.stream->events.size(), 2u) << o.body;
}

// Answers that are not a stream come back as such: a 401 with an empty body is a stream with no events.
TEST_P(StreamE2e, MissingTokenIsAnEmptyAnswer) {
  StartServer();
  ClientRequest r = Watch(60, {.max_events = 1, .max_time = 10s});
  r.identity.token_source = ClientIdentity::TokenSource::kNone;
  Outcome o = Read(r);
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 401);
  EXPECT_EQ(o.body, "");
  EXPECT_EQ(StreamEndName(o.stream->end), "server_closed");
  EXPECT_TRUE(o.stream->events.empty());
}

// gin's text 404 is not a sequence of objects: no events, and a parse error that says so.
TEST_P(StreamE2e, TextAnswerIsAParseErrorNotEvents) {
  StartServer();
  ClientRequest r = Watch(60, {.max_events = 1, .max_time = 10s});
  r.path = "/api/v1/job/watchx";
  Outcome o = Read(r);
  EXPECT_EQ(TransportClassName(o.transport), "ok") << o.detail;
  EXPECT_EQ(o.http_status, 404);
  EXPECT_EQ(o.body, "404 page not found");
  EXPECT_EQ(StreamEndName(o.stream->end), "server_closed");
  EXPECT_TRUE(o.stream->events.empty());
  EXPECT_THAT(o.stream->parse_error, HasSubstr("does not start a JSON object"));
}

TEST_P(StreamE2e, ClosedPortIsRefusedWithAnErrorEnd) {
  StartServer();
  ClientRequest r = Watch(60, {.max_events = 1, .max_time = 5s});
  server_.reset();
  Outcome o = Read(r);
  EXPECT_EQ(TransportClassName(o.transport), "connect_refused") << o.detail;
  EXPECT_EQ(StreamEndName(o.stream->end), "error");
  EXPECT_EQ(o.http_status, 0);
}

TEST_P(StreamE2e, RejectsAStreamReadWithoutABound) {
  StartServer();
  EXPECT_THAT(client_->Send(Watch(60, {.max_events = 1, .max_time = 0ms})).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("max_time must be positive")));
  EXPECT_THAT(client_->Send(Watch(60, {.max_events = -1, .max_time = 1s})).status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("max_events")));
}

INSTANTIATE_TEST_SUITE_P(Clients, StreamE2e, ::testing::Values("builtin", "curl", "exec"));

TEST(CurlCommandLine, StreamReadShowsNoBufferAndMaxTime) {
  ClientRequest r{.base_url = "https://127.0.0.1:8082", .path = kWatchPath, .body = R"({"timeout_seconds":60})"};
  r.identity = ClientIdentity::FromKusciaDir("/certs");
  r.stream = StreamRead{.max_events = 3, .max_time = 2500ms};
  EXPECT_EQ(CurlCommandLine(r),
            "curl -N --max-time 2.500 -X POST https://127.0.0.1:8082/api/v1/job/watch --header \"Token: $(cat "
            "/certs/token)\" --cert /certs/kusciaapi-server.crt --key /certs/kusciaapi-server.key --cacert "
            "/certs/ca.crt -d '{\"timeout_seconds\":60}'");
}

TEST(ExecStreamContract, RequestCarriesTheBoundsOnlyForAStream) {
  ClientRequest r{.base_url = "https://127.0.0.1:8082", .path = kWatchPath, .body = "{}"};
  Result<Json> unary = ExecRequestJson(r);
  ASSERT_THAT(unary, IsOk());
  EXPECT_FALSE(unary->contains("stream"));
  r.stream = StreamRead{.max_events = 3, .max_time = 2500ms};
  Result<Json> stream = ExecRequestJson(r);
  ASSERT_THAT(stream, IsOk());
  EXPECT_EQ((*stream)["stream"], Json::parse(R"({"max_events":3,"max_time_ms":2500})"));
}

TEST(ExecStreamContract, OutcomeStreamEndMustBeANamedEnd) {
  Result<Outcome> ok = ParseExecOutcome(R"({"transport":"ok","http_status":200,"body":"","stream_end":"max_time"})");
  ASSERT_THAT(ok, IsOk());
  ASSERT_TRUE(ok->stream.has_value());
  EXPECT_EQ(ok->stream->end, StreamEnd::kMaxTime);
  EXPECT_THAT(ParseExecOutcome(R"({"transport":"ok","http_status":200,"stream_end":"timeout"})").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("unknown stream end 'timeout'")));
  EXPECT_THAT(ParseExecOutcome(R"({"transport":"ok","http_status":200,"stream_end":3})").status(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("\"stream_end\" must be a string")));
}

}  // namespace
}  // namespace kuscia::harness
