#include "mock_server/http/kuscia_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <utility>

#include "api/envelope.h"
#include "mock_server/journal/request_journal.h"
#include "testing/wait.h"

namespace kuscia::mock::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using transport::HttpRequest;
using transport::HttpResponse;

constexpr char kToken[] = "AbCdEfGhIjKlMnOpQrStUvWxYz012+/9";

// Records what the router does with a response, and runs RunAfter callbacks only when the test says so.
class RecordingWriter : public transport::ResponseWriter {
 public:
  void Send(HttpResponse response) override {
    std::lock_guard<std::mutex> lock(mutex);
    sent = std::move(response);
  }
  void StartStream(int status, std::vector<std::pair<std::string, std::string>> headers) override {
    std::lock_guard<std::mutex> lock(mutex);
    stream_status = status;
    stream_headers = std::move(headers);
  }
  void WriteChunk(std::string data) override {
    std::lock_guard<std::mutex> lock(mutex);
    chunks.push_back(std::move(data));
  }
  void EndStream() override {
    std::lock_guard<std::mutex> lock(mutex);
    ended = true;
  }
  void Abort(bool) override { ended = true; }
  bool IsClosed() const override { return ended; }
  void OnClose(std::function<void()> callback) override { on_close = std::move(callback); }
  void RunAfter(std::chrono::milliseconds delay, std::function<void()> callback) override {
    std::lock_guard<std::mutex> lock(mutex);
    timers.emplace_back(delay, std::move(callback));
  }
  // Runs the timers queued so far (a callback may queue the next one).
  void FireTimers() {
    std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> due;
    {
      std::lock_guard<std::mutex> lock(mutex);
      due.swap(timers);
    }
    for (auto& [delay, callback] : due) callback();
  }
  std::vector<std::string> Chunks() {
    std::lock_guard<std::mutex> lock(mutex);
    return chunks;
  }

  std::mutex mutex;
  std::optional<HttpResponse> sent;
  int stream_status = 0;
  std::vector<std::pair<std::string, std::string>> stream_headers;
  std::vector<std::string> chunks;
  bool ended = false;
  std::function<void()> on_close;
  std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> timers;
};

// A WatchSource the test drives by hand.
class FakeWatchSource : public WatchSource {
 public:
  std::shared_ptr<void> Subscribe(std::function<void(const WatchEvent&)> on_event) override {
    for (const WatchEvent& event : existing) on_event(event);
    listener = std::move(on_event);
    ++subscriptions;
    return std::shared_ptr<void>(nullptr, [this](void*) { --subscriptions; listener = nullptr; });
  }
  std::vector<WatchEvent> existing;
  std::function<void(const WatchEvent&)> listener;
  int subscriptions = 0;
};

nlohmann::ordered_json JobStatus(const std::string& id, const std::string& state) {
  return {{"job_id", id}, {"status", {{"state", state}, {"err_msg", ""}, {"create_time", "2025-04-16T10:42:55Z"}}}};
}

class KusciaRouterTest : public ::testing::Test {
 protected:
  KusciaRouterTest() { Rebuild(transport::ProtocolMode::kMtls); }

  // Every connection goes away at the end, as the transport reports it: open watch streams let go of
  // themselves and their subscriptions.
  void TearDown() override {
    for (auto& writer : writers_) {
      if (writer->on_close) std::exchange(writer->on_close, nullptr)();
    }
  }

  void Rebuild(transport::ProtocolMode mode) {
    RouterOptions options;
    options.mode = mode;
    options.token = kToken;
    options.heartbeat = std::chrono::milliseconds(5);
    options.version = "v-test";
    options.hostname = "host-a";
    std::unordered_map<std::string, UnaryMethod> methods;
    methods["/healthZ"] = [](const nlohmann::ordered_json&) {
      return api::MakeResponse(api::SuccessStatus(), {{"ready", true}});
    };
    methods["/api/v1/job/query"] = [this](const nlohmann::ordered_json& request) {
      last_request = request;
      return api::MakeResponse(api::ErrorStatus(11202, "kusciajobs.kuscia.secretflow \"x\" not found"));
    };
    methods["/api/v1/job/delete"] = [](const nlohmann::ordered_json&) -> nlohmann::ordered_json {
      throw std::runtime_error("index out of range");
    };
    methods["/api/v1/job/status/batchQuery"] = [this](const nlohmann::ordered_json& request) {
      ++document_calls;
      last_request = request;
      return api::MakeResponse(api::ErrorStatus(11203, "kusciajobs.kuscia.secretflow \"slow\" not found"));
    };
    router = std::make_unique<KusciaRouter>(options, std::move(methods), &watch, nullptr);
    // Answers job "fast" itself, throws for "boom" and leaves every other request to the document method.
    router->SetEncodedMethod("/api/v1/job/status/batchQuery",
                             [](const nlohmann::ordered_json& request) -> std::optional<api::EncodedResponse> {
                               const auto& first = request["job_ids"].at(0);
                               if (first == "boom") throw std::runtime_error("cache miss");
                               if (first != "fast") return std::nullopt;
                               return api::EncodedResponse{7, R"({"status":{"code":7},"data":{"jobs":[]}})"};
                             });
    // Without a document method there is nothing to speed up: the route stays unimplemented.
    router->SetEncodedMethod("/api/v1/serving/create", [](const nlohmann::ordered_json&) {
      return std::optional<api::EncodedResponse>(api::EncodedResponse{0, "{}"});
    });
    router->AttachControl({&journal, nullptr});
  }

  std::shared_ptr<RecordingWriter> Call(const std::string& method, const std::string& target, std::string body,
                                        std::vector<std::pair<std::string, std::string>> headers) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    request.body = std::move(body);
    request.headers = std::move(headers);
    auto writer = std::make_shared<RecordingWriter>();
    writers_.push_back(writer);
    router->Handle(std::move(request), writer);
    return writer;
  }

  std::shared_ptr<RecordingWriter> Post(const std::string& target, std::string body, bool with_token = true,
                                        std::string content_type = "application/json") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (with_token) headers.emplace_back("token", kToken);  // header names are case-insensitive
    if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
    return Call("POST", target, std::move(body), std::move(headers));
  }

  static std::optional<std::string> Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return std::nullopt;
  }

  FakeWatchSource watch;
  journal::RequestJournal journal;
  std::unique_ptr<KusciaRouter> router;
  int document_calls = 0;
  std::vector<std::shared_ptr<RecordingWriter>> writers_;
  nlohmann::ordered_json last_request;
};

TEST_F(KusciaRouterTest, HealthWithTokenAnswersSuccess) {
  auto w = Post("/healthZ", "{}");
  ASSERT_TRUE(w->sent);
  EXPECT_EQ(w->sent->status, 200);
  EXPECT_EQ(Header(*w->sent, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(w->sent->body, R"({"status":{"code":0,"message":"success","details":[]},"data":{"ready":true}})");
}

TEST_F(KusciaRouterTest, MissingOrWrongTokenIs401WithEmptyBodyEvenOnUnknownPaths) {
  for (const std::string path : {"/healthZ", "/api/v1/job/create", "/no/such/path"}) {
    auto w = Post(path, "{}", /*with_token=*/false);
    ASSERT_TRUE(w->sent) << path;
    EXPECT_EQ(w->sent->status, 401) << path;
    EXPECT_EQ(w->sent->body, "") << path;
    EXPECT_TRUE(w->sent->headers.empty()) << path;
  }
  auto wrong = Call("POST", "/healthZ", "{}", {{"Token", std::string(kToken) + "x"}});
  EXPECT_EQ(wrong->sent->status, 401);
}

TEST_F(KusciaRouterTest, UnknownPathAndGetOnPostRouteAre404WithGinBody) {
  auto unknown = Post("/api/v1/job/nope", "{}");
  EXPECT_EQ(unknown->sent->status, 404);
  EXPECT_EQ(unknown->sent->body, "404 page not found");
  auto get = Call("GET", "/api/v1/job/create", "", {{"Token", kToken}});
  EXPECT_EQ(get->sent->status, 404);
  auto lower = Post("/healthz", "{}");
  EXPECT_EQ(lower->sent->status, 404) << "paths are case-sensitive";
}

TEST_F(KusciaRouterTest, TrailingSlashRedirectsBeforeTheTokenCheck) {
  auto w = Post("/api/v1/job/create/?a=1", "{}", /*with_token=*/false);
  EXPECT_EQ(w->sent->status, 307);
  EXPECT_EQ(Header(*w->sent, "Location"), "/api/v1/job/create?a=1");
}

TEST_F(KusciaRouterTest, UncleanPathIs301ToTheCleanOne) {
  auto w = Post("//healthZ", "{}", /*with_token=*/false);
  EXPECT_EQ(w->sent->status, 301);
  EXPECT_EQ(Header(*w->sent, "Location"), "/healthZ");
}

TEST_F(KusciaRouterTest, ProbesNeedNoToken) {
  auto version = Call("GET", "/version", "", {});
  EXPECT_EQ(version->sent->status, 200);
  EXPECT_EQ(version->sent->body, "v-test");
  auto probe = Call("GET", "/probe", "", {});
  EXPECT_THAT(probe->sent->body, HasSubstr("ServiceName: KusciaAPI, Host: host-a, Version: v-test, Uptime: "));
}

TEST_F(KusciaRouterTest, DecodeErrorsAre200WithTheFrameworkErrorShape) {
  auto empty = Post("/healthZ", "");
  EXPECT_EQ(empty->sent->status, 200);
  EXPECT_EQ(empty->sent->body, R"({"status":{"code":11101,"message":"EOF"}})");
  auto malformed = Post("/api/v1/job/query", "{x");
  EXPECT_EQ(malformed->sent->body,
            R"({"status":{"code":11101,"message":"invalid character 'x' looking for beginning of object key string"}})");
}

TEST_F(KusciaRouterTest, RequestsReachTheServiceInCanonicalFormAndErrorsKeepHttp200) {
  auto w = Post("/api/v1/job/query", R"({"jobId":"job-1","unknown":true})");
  EXPECT_EQ(last_request["job_id"], "job-1");
  EXPECT_EQ(w->sent->status, 200);
  EXPECT_EQ(w->sent->body,
            R"({"status":{"code":11202,"message":"kusciajobs.kuscia.secretflow \"x\" not found","details":[]},)"
            R"("data":null})");
}

TEST_F(KusciaRouterTest, OtherMimeTypesReachTheServiceAsAnEmptyRequest) {
  Post("/api/v1/job/query", R"({"job_id":"job-1"})", true, "application/xml");
  EXPECT_EQ(last_request["job_id"], "");
}

TEST_F(KusciaRouterTest, ProtobufBodiesAreRefusedClearlyUntilTheDecoderExists) {
  auto w = Post("/healthZ", "\x0a\x00", true, "application/x-protobuf");
  EXPECT_EQ(Header(*w->sent, "Content-Type"), "application/x-protobuf");
  EXPECT_THAT(w->sent->body, HasSubstr(R"("code":11101)"));
  EXPECT_THAT(w->sent->body, HasSubstr("application/x-protobuf"));
}

TEST_F(KusciaRouterTest, AServiceFailureBecomesTheRecoveredPanicAnswer) {
  auto w = Post("/api/v1/job/delete", R"({"job_id":"a"})");
  EXPECT_EQ(w->sent->body, R"({"status":{"code":11101,"message":"doBizProcess panic, err: index out of range"}})");
}

TEST_F(KusciaRouterTest, UnimplementedRoutesSaySoInsteadOfPretending) {
  auto w = Post("/api/v1/serving/create", "{}");
  EXPECT_EQ(w->sent->status, 200);
  EXPECT_THAT(w->sent->body, HasSubstr("kuscia-mock does not implement /api/v1/serving/create"));
}

TEST_F(KusciaRouterTest, AnEncodedMethodAnswersWithItsBytesAndCode) {
  auto w = Post("/api/v1/job/status/batchQuery", R"({"jobIds":["fast"]})");
  ASSERT_TRUE(w->sent);
  EXPECT_EQ(w->sent->status, 200);
  EXPECT_EQ(Header(*w->sent, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(w->sent->body, R"({"status":{"code":7},"data":{"jobs":[]}})");
  EXPECT_EQ(document_calls, 0);
  std::vector<journal::JournalEntry> entries = journal.Query({});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].api_code, 7);
  EXPECT_EQ(entries[0].http_status, 200);
}

TEST_F(KusciaRouterTest, AnEncodedMethodsNulloptFallsBackToTheDocumentMethod) {
  auto w = Post("/api/v1/job/status/batchQuery", R"({"job_ids":["slow"]})");
  EXPECT_EQ(document_calls, 1);
  EXPECT_EQ(last_request["job_ids"], nlohmann::ordered_json::array({"slow"}));
  EXPECT_EQ(w->sent->body,
            R"({"status":{"code":11203,"message":"kusciajobs.kuscia.secretflow \"slow\" not found","details":[]},)"
            R"("data":null})");
  EXPECT_EQ(journal.Query({}).at(0).api_code, 11203);
  // Decode errors never reach either method.
  auto bad = Post("/api/v1/job/status/batchQuery", R"({"job_ids":"fast"})");
  EXPECT_THAT(bad->sent->body, HasSubstr(R"("code":11101)"));
  EXPECT_EQ(document_calls, 1);
}

TEST_F(KusciaRouterTest, AnEncodedMethodsFailureIsTheRecoveredPanicToo) {
  auto w = Post("/api/v1/job/status/batchQuery", R"({"job_ids":["boom"]})");
  EXPECT_EQ(w->sent->body, R"({"status":{"code":11101,"message":"doBizProcess panic, err: cache miss"}})");
  EXPECT_EQ(document_calls, 0);
}

TEST_F(KusciaRouterTest, AnEncodedMethodWithoutADocumentMethodIsIgnored) {
  auto w = Post("/api/v1/serving/create", "{}");
  EXPECT_THAT(w->sent->body, HasSubstr("kuscia-mock does not implement /api/v1/serving/create"));
}

TEST_F(KusciaRouterTest, NoTlsModeSkipsTheTokenCheck) {
  Rebuild(transport::ProtocolMode::kNoTls);
  EXPECT_EQ(Post("/healthZ", "{}", /*with_token=*/false)->sent->status, 200);
}

TEST_F(KusciaRouterTest, RotatedTokenTakesEffectForTheNextRequest) {
  router->SetToken("new-token");
  EXPECT_EQ(Post("/healthZ", "{}")->sent->status, 401);
  EXPECT_EQ(Call("POST", "/healthZ", "{}", {{"Token", "new-token"}})->sent->status, 200);
}

TEST_F(KusciaRouterTest, WatchStreamsInitialAddedThenChangesThenDeleted) {
  watch.existing = {WatchEvent{0, JobStatus("job-a", "Running")}};
  auto w = Post("/api/v1/job/watch", R"({"timeout_seconds":0})");
  EXPECT_FALSE(w->sent) << "a watch is a stream, not a single response";
  EXPECT_EQ(w->stream_status, 200);
  EXPECT_THAT(w->stream_headers, ElementsAre(std::make_pair(std::string("Content-Type"),
                                                            std::string("application/json; charset=utf-8"))));
  ASSERT_TRUE(watch.listener);
  watch.listener(WatchEvent{1, JobStatus("job-a", "Succeeded")});
  watch.listener(WatchEvent{2, JobStatus("job-a", "Succeeded")});
  std::vector<std::string> chunks = w->Chunks();
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0],
            R"({"object":{"job_id":"job-a","status":{"state":"Running","create_time":"2025-04-16T10:42:55Z"}}})");
  EXPECT_THAT(chunks[1], ::testing::StartsWith(R"({"type":1,"object":{"job_id":"job-a")"));
  EXPECT_THAT(chunks[2], ::testing::StartsWith(R"({"type":2,)"));
}

TEST_F(KusciaRouterTest, WatchSendsHeartbeatsOnlyAfterSilence) {
  auto w = Post("/api/v1/job/watch", "{}");
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(testing::WaitFor([&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(6); },
                               std::chrono::seconds(1)));
  w->FireTimers();
  EXPECT_THAT(w->Chunks(), ElementsAre(R"({"type":4})"));
  watch.listener(WatchEvent{1, JobStatus("job-a", "Running")});
  w->FireTimers();  // the event just reset the silence: no heartbeat yet
  EXPECT_EQ(w->Chunks().size(), 2u);
}

TEST_F(KusciaRouterTest, WatchEndsAtItsTimeoutAndUnsubscribes) {
  auto w = Post("/api/v1/job/watch", R"({"timeout_seconds":1})");
  EXPECT_EQ(watch.subscriptions, 1);
  ASSERT_EQ(w->timers.size(), 2u);  // heartbeat and timeout
  auto timeout = std::move(w->timers[1].second);
  EXPECT_EQ(w->timers[1].first, std::chrono::seconds(1));
  timeout();
  EXPECT_TRUE(w->ended);
  EXPECT_EQ(watch.subscriptions, 0);
}

TEST_F(KusciaRouterTest, WatchClosedByTheClientUnsubscribes) {
  auto w = Post("/api/v1/job/watch", "{}");
  EXPECT_EQ(watch.subscriptions, 1);
  std::exchange(w->on_close, nullptr)();
  EXPECT_EQ(watch.subscriptions, 0);
}

TEST_F(KusciaRouterTest, WatchBindErrorsAre400AndBadTimeoutsAnEmpty200) {
  auto empty = Post("/api/v1/job/watch", "");
  EXPECT_EQ(empty->sent->status, 400);
  EXPECT_EQ(empty->sent->body, "");
  auto quoted = Post("/api/v1/job/watch", R"({"timeout_seconds":"5"})");
  EXPECT_EQ(quoted->sent->status, 400) << "gin's JSON binding wants a number for int64";
  auto negative = Post("/api/v1/job/watch", R"({"timeout_seconds":-1})");
  EXPECT_EQ(negative->sent->status, 200);
  EXPECT_EQ(negative->sent->body, "");
  EXPECT_EQ(watch.subscriptions, 0);
  auto no_content_type = Post("/api/v1/job/watch", "", true, "");
  EXPECT_EQ(no_content_type->stream_status, 200) << "form binding of an empty body is an empty request";
}

}  // namespace
}  // namespace kuscia::mock::http
