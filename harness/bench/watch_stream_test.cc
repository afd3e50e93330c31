// The watch-stream decoder, the heartbeat judge and the /proc readers of the hold modes, without a server.
#include "harness/bench/watch_stream.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "harness/bench/process_stats.h"
#include "testing/status_matchers.h"

namespace kuscia::bench {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHead[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";

std::string Chunk(std::string_view data) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

// Two events in one chunk (braces and an escaped quote inside strings), then an event split over two chunks,
// then a heartbeat, then the end of the stream.
std::string SampleStream() {
  return std::string(kHead) +
         Chunk(R"({"object":{"job_id":"j{1}","status":{"state":"Pending"}}})"
               R"({"type":1,"object":{"job_id":"j2","status":{"err_msg":"say \"}\""}}})") +
         Chunk(R"({"type":2,"object":)") + Chunk(R"({"job_id":"j3"}})") + Chunk(R"({"type":4})") + "0\r\n\r\n";
}

std::vector<std::string> DecodeInPieces(const std::string& bytes, size_t piece, WatchStreamDecoder& decoder) {
  std::vector<std::string> objects;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    DecodeStatus status = decoder.Feed(std::string_view(bytes).substr(at, piece),
                                       [&](std::string_view object) { objects.emplace_back(object); });
    EXPECT_EQ(status, DecodeStatus::kOk) << decoder.error() << " at byte " << at << " with pieces of " << piece;
  }
  return objects;
}

TEST(WatchStreamDecoder, SplitsConcatenatedEventsAcrossChunksAndReads) {
  const std::string stream = SampleStream();
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, stream.size()}) {
    WatchStreamDecoder decoder;
    std::vector<std::string> objects = DecodeInPieces(stream, piece, decoder);
    EXPECT_THAT(objects, ElementsAre(R"({"object":{"job_id":"j{1}","status":{"state":"Pending"}}})",
                                     R"({"type":1,"object":{"job_id":"j2","status":{"err_msg":"say \"}\""}}})",
                                     R"({"type":2,"object":{"job_id":"j3"}})", R"({"type":4})"))
        << "pieces of " << piece;
    EXPECT_TRUE(decoder.head_complete());
    EXPECT_EQ(decoder.status(), 200);
    EXPECT_TRUE(decoder.chunked());
    EXPECT_TRUE(decoder.ended());
  }
}

TEST(WatchStreamDecoder, AnAnswerWithoutChunkedFramingIsNotAStream) {
  // What the watch gives for an out-of-range timeout_seconds: 200 with an empty body (reference §5.1.10).
  WatchStreamDecoder decoder;
  int objects = 0;
  EXPECT_EQ(decoder.Feed("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", [&](std::string_view) { ++objects; }),
            DecodeStatus::kOk);
  EXPECT_TRUE(decoder.head_complete());
  EXPECT_EQ(decoder.status(), 200);
  EXPECT_FALSE(decoder.chunked());
  EXPECT_EQ(objects, 0);
}

TEST(WatchStreamDecoder, BadFramingIsMalformedWithAReason) {
  WatchStreamDecoder bad_size;
  EXPECT_EQ(bad_size.Feed(std::string(kHead) + "zz\r\n", [](std::string_view) {}), DecodeStatus::kMalformed);
  EXPECT_THAT(bad_size.error(), HasSubstr("bad chunk size line 'zz'"));

  WatchStreamDecoder not_json;
  EXPECT_EQ(not_json.Feed(std::string(kHead) + Chunk("hello"), [](std::string_view) {}), DecodeStatus::kMalformed);
  EXPECT_THAT(not_json.error(), HasSubstr("expected '{'"));

  WatchStreamDecoder not_http;
  EXPECT_EQ(not_http.Feed("SSH-2.0-OpenSSH\r\n\r\n", [](std::string_view) {}), DecodeStatus::kMalformed);
  EXPECT_THAT(not_http.error(), HasSubstr("not an HTTP/1.x status line"));
}

TEST(ParseWatchObject, NamesTypesAndJobIds) {
  EXPECT_EQ(ParseWatchObject(R"({"type":4})").type, WatchEventType::kHeartbeat);
  EXPECT_EQ(ParseWatchObject(R"({ "type" : 4 })").type, WatchEventType::kHeartbeat);
  WatchObject added = ParseWatchObject(R"({"object":{"job_id":"j1","status":{"state":"Pending"}}})");
  EXPECT_EQ(added.type, WatchEventType::kAdded) << "Go omits type 0 (omitempty)";
  EXPECT_EQ(added.job_id, "j1");
  EXPECT_EQ(ParseWatchObject(R"({"type":1,"object":{"job_id":"j2"}})").type, WatchEventType::kModified);
  EXPECT_EQ(ParseWatchObject(R"({"type":"MODIFIED"})").type, WatchEventType::kUnknown) << "type is a number";
  EXPECT_EQ(ParseWatchObject(R"({"type":9})").type, WatchEventType::kUnknown);
  EXPECT_EQ(ParseWatchObject("{").type, WatchEventType::kUnknown);
}

TEST(HeartbeatTracker, JudgesEachGapAgainstTheInterval) {
  using TimePoint = HeartbeatTracker::TimePoint;
  const TimePoint t0{};
  HeartbeatTracker tracker(100ms, 20ms);
  HeartbeatStats stats;
  tracker.Start(t0);
  tracker.OnHeartbeat(t0 + 105ms, stats);  // 5 ms past due: on time
  tracker.OnEvent(t0 + 150ms);             // an event resets the server's timer
  tracker.OnHeartbeat(t0 + 300ms, stats);  // 150 ms after the event: 50 ms late
  tracker.OnHeartbeat(t0 + 550ms, stats);  // 250 ms of silence: one beat never came, this one is late
  tracker.OnHeartbeat(t0 + 600ms, stats);  // 50 ms: early
  EXPECT_EQ(stats.received, 4u);
  EXPECT_EQ(stats.on_time, 1u);
  EXPECT_EQ(stats.late, 2u);
  EXPECT_EQ(stats.early, 1u);
  EXPECT_EQ(stats.missing, 1u);
  EXPECT_EQ(stats.streams_with_heartbeat, 1u);
  EXPECT_EQ(stats.lateness.count(), 4u);
  EXPECT_EQ(stats.lateness.min(), 0u);
  EXPECT_EQ(stats.lateness.max(), 150'000'000u);

  HeartbeatStats end_in_time;
  tracker.Finish(t0 + 710ms, end_in_time);  // 110 ms of silence: within the tolerance
  EXPECT_EQ(end_in_time.missing, 0u);
  HeartbeatStats end_late;
  tracker.Finish(t0 + 915ms, end_late);  // 315 ms: beats due at 700 and 800 never came (900 is within tolerance)
  EXPECT_EQ(end_late.missing, 2u);
}

TEST(HeartbeatTracker, GapsThatStartBeforeJudgingAreCountedButNotJudged) {
  using TimePoint = HeartbeatTracker::TimePoint;
  const TimePoint t0{};
  const TimePoint all_open = t0 + 500ms;
  HeartbeatTracker tracker(100ms, 20ms);
  HeartbeatStats stats;
  tracker.Start(t0);
  tracker.OnEvent(t0 + 450ms);                       // read late by a busy client
  tracker.OnHeartbeat(t0 + 460ms, stats, all_open);  // 10 ms "gap": an artifact, not an early beat
  tracker.OnHeartbeat(t0 + 560ms, stats, all_open);  // its gap starts before all_open too
  tracker.OnHeartbeat(t0 + 660ms, stats, all_open);  // judged: on time
  EXPECT_EQ(stats.received, 3u);
  EXPECT_EQ(stats.unjudged, 2u);
  EXPECT_EQ(stats.on_time, 1u);
  EXPECT_EQ(stats.early, 0u);
  EXPECT_EQ(stats.lateness.count(), 1u);

  HeartbeatTracker silent(100ms, 20ms);
  silent.Start(t0);
  HeartbeatStats end;
  silent.Finish(all_open + 150ms, end, all_open);  // silence counts from all_open: one beat overdue
  EXPECT_EQ(end.missing, 1u);
}

TEST(HeartbeatStats, MergeSumsStreams) {
  HeartbeatStats a, b;
  HeartbeatTracker one(100ms, 10ms), two(100ms, 10ms);
  one.Start({});
  two.Start({});
  one.OnHeartbeat(HeartbeatTracker::TimePoint{} + 100ms, a);
  two.OnHeartbeat(HeartbeatTracker::TimePoint{} + 200ms, b);
  a.Merge(b);
  EXPECT_EQ(a.received, 2u);
  EXPECT_EQ(a.unjudged, 0u);
  EXPECT_EQ(a.on_time, 1u);
  EXPECT_EQ(a.late, 1u);
  EXPECT_EQ(a.streams_with_heartbeat, 2u);
  EXPECT_EQ(a.lateness.count(), 2u);
}

TEST(ProcessStats, ReadsThisProcesssMemoryAndFileLimit) {
  Result<ProcessMemory> memory = ReadProcessMemory(getpid());
  ASSERT_THAT(memory.status(), testing::IsOk());
  EXPECT_GT(memory->rss_kb, 0u);
  EXPECT_GE(memory->hwm_kb, memory->rss_kb);
  Result<ProcessMemory> twice = ReadProcessesMemory({getpid(), getpid()});
  ASSERT_THAT(twice.status(), testing::IsOk());
  EXPECT_GE(twice->rss_kb, 2 * memory->rss_kb - 1024) << "the sum of two samples of the same process";

  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  Result<uint64_t> soft = OpenFileLimitOf(getpid());
  ASSERT_THAT(soft.status(), testing::IsOk());
  EXPECT_EQ(*soft, limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : limit.rlim_cur);
}

TEST(ProcessStats, AProcessThatIsGoneIsNotFound) {
  // Above any pid_max Linux allows (2^22), so it can never be a live process.
  EXPECT_THAT(ReadProcessMemory(2'000'000'000).status(),
              testing::StatusIs(StatusCode::kNotFound, HasSubstr("process 2000000000 is not running")));
}

// Run in a child process by EXPECT_EXIT: limits are per process, and a lowered hard limit cannot be raised
// back. Each exits 0 when the expectation holds.
[[noreturn]] void ExitZeroIfSoftLimitIsRaisedToHard() {
  rlimit low{.rlim_cur = 256, .rlim_max = 1024};
  if (setrlimit(RLIMIT_NOFILE, &low) != 0) std::_Exit(2);
  Result<uint64_t> raised = RaiseOpenFileLimit(1000);
  rlimit now{};
  getrlimit(RLIMIT_NOFILE, &now);
  std::_Exit(raised.ok() && *raised == 1024 && now.rlim_cur == 1024 ? 0 : 1);
}

[[noreturn]] void ExitZeroIfTooLowHardLimitNamesUlimit() {
  rlimit low{.rlim_cur = 256, .rlim_max = 512};
  if (setrlimit(RLIMIT_NOFILE, &low) != 0) std::_Exit(2);
  Result<uint64_t> raised = RaiseOpenFileLimit(10'064);
  bool named = !raised.ok() && raised.status().code() == StatusCode::kFailedPrecondition &&
               raised.status().message().find("ulimit -n 10064") != std::string::npos &&
               raised.status().message().find("hard limit is 512") != std::string::npos;
  std::_Exit(named ? 0 : 1);
}

TEST(ProcessStatsDeathTest, RaisesTheSoftLimitToTheHardOne) {
  EXPECT_EXIT(ExitZeroIfSoftLimitIsRaisedToHard(), ::testing::ExitedWithCode(0), "");
}

TEST(ProcessStatsDeathTest, AHardLimitTooLowNamesUlimit) {
  EXPECT_EXIT(ExitZeroIfTooLowHardLimitNamesUlimit(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace kuscia::bench
