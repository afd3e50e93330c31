#include "mock_server/journal/request_journal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "mock_server/journal/handshake_log.h"
#include "mock_server/journal/request_facts.h"
#include "testing/status_matchers.h"

namespace kuscia::mock::journal {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

JournalEntry Entry(std::string path, int status = 200, std::optional<int> code = 0, std::string body = "{}") {
  JournalEntry e;
  e.method = "POST";
  e.path = std::move(path);
  e.http_status = status;
  e.api_code = code;
  e.body_size = body.size();
  e.body = std::move(body);
  return e;
}

TEST(MatchGlobTest, StarsAndQuestionMarks) {
  EXPECT_TRUE(MatchGlob("job-*", "job-psi"));
  EXPECT_TRUE(MatchGlob("*", ""));
  EXPECT_TRUE(MatchGlob("/api/v1/job/*", "/api/v1/job/status/batchQuery"));
  EXPECT_TRUE(MatchGlob("a*b*c", "a-x-b-y-c"));
  EXPECT_TRUE(MatchGlob("job-?", "job-1"));
  EXPECT_FALSE(MatchGlob("job-?", "job-12"));
  EXPECT_FALSE(MatchGlob("job", "job-1"));
  EXPECT_FALSE(MatchGlob("a*c", "abd"));
}

TEST(ExtractJobIdsTest, JobIdAndJobIdsOnly) {
  EXPECT_THAT(ExtractJobIds(R"({"job_id":"a"})"), ElementsAre("a"));
  EXPECT_THAT(ExtractJobIds(R"({"job_ids":["a","b"]})"), ElementsAre("a", "b"));
  EXPECT_THAT(ExtractJobIds(R"({"jobId":"c"})"), ElementsAre("c"));
  EXPECT_THAT(ExtractJobIds("{not json"), ElementsAre());
  EXPECT_THAT(ExtractJobIds(R"({"domain_id":"alice"})"), ElementsAre());
}

TEST(RequestJournalTest, CommitAssignsSeqAndQueryFilters) {
  RequestJournal journal(10);
  EXPECT_EQ(journal.Commit(Entry("/api/v1/job/create", 200, 0, R"({"job_id":"job-a"})")), 1u);
  EXPECT_EQ(journal.Commit(Entry("/api/v1/job/query", 200, 11202, R"({"job_id":"job-b"})")), 2u);
  EXPECT_EQ(journal.Commit(Entry("/healthZ", 401, std::nullopt, "")), 3u);

  auto paths = [](const std::vector<JournalEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.path);
    return out;
  };
  EXPECT_THAT(paths(journal.Query({.path = "/api/v1/job/*"})), ElementsAre("/api/v1/job/create", "/api/v1/job/query"));
  EXPECT_THAT(paths(journal.Query({.job_id = "job-b"})), ElementsAre("/api/v1/job/query"));
  EXPECT_THAT(paths(journal.Query({.http_status = 401})), ElementsAre("/healthZ"));
  EXPECT_THAT(paths(journal.Query({.api_code = 11202})), ElementsAre("/api/v1/job/query"));
  EXPECT_THAT(paths(journal.Query({.since = 2})), ElementsAre("/healthZ"));
  EXPECT_THAT(paths(journal.Query({}, 1)), ElementsAre("/api/v1/job/create"));
  EXPECT_EQ(journal.Count({.fault = "none"}), 3u);
  EXPECT_EQ(journal.Count({.fault = "any"}), 0u);
}

TEST(RequestJournalTest, FullRingDropsTheOldestAndCountsIt) {
  RequestJournal journal(3);
  for (int i = 0; i < 5; ++i) (void)journal.Commit(Entry("/p" + std::to_string(i)));
  JournalStats stats = journal.Stats();
  EXPECT_EQ(stats.size, 3u);
  EXPECT_EQ(stats.total, 5u);
  EXPECT_EQ(stats.dropped, 2u);
  EXPECT_EQ(stats.last_seq, 5u);
  std::vector<JournalEntry> all = journal.Query({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].path, "/p2");
  EXPECT_EQ(all[2].path, "/p4");
}

TEST(RequestJournalTest, TenThousandThroughAThousandKeepMemoryFlat) {
  RequestJournal journal(1000);
  std::string body(300, 'x');
  for (int i = 0; i < 1000; ++i) (void)journal.Commit(Entry("/api/v1/job/query", 200, 0, body));
  size_t full = journal.Stats().approx_bytes;
  for (int i = 0; i < 9000; ++i) (void)journal.Commit(Entry("/api/v1/job/query", 200, 0, body));
  JournalStats stats = journal.Stats();
  EXPECT_EQ(stats.dropped, 9000u);
  EXPECT_EQ(stats.size, 1000u);
  EXPECT_EQ(stats.approx_bytes, full);
}

TEST(RequestJournalTest, CapacityZeroKeepsNothingButCounts) {
  RequestJournal journal(0);
  (void)journal.Commit(Entry("/a"));
  EXPECT_EQ(journal.Stats().size, 0u);
  EXPECT_EQ(journal.Stats().dropped, 1u);
}

TEST(RequestJournalTest, WaitForReturnsOnceEnoughMatchAndTimesOutWithWhatItSaw) {
  RequestJournal journal(100);
  (void)journal.Commit(Entry("/api/v1/job/create"));
  std::thread committer([&] {
    for (int i = 0; i < 3; ++i) (void)journal.Commit(Entry(i == 1 ? "/api/v1/job/create" : "/healthZ"));
  });
  Result<std::vector<JournalEntry>> two = journal.WaitFor({.path = "/api/v1/job/create"}, 2, 5s);
  committer.join();
  ASSERT_THAT(two.status(), IsOk());
  EXPECT_EQ(two->size(), 2u);

  Result<std::vector<JournalEntry>> five = journal.WaitFor({.path = "/api/v1/job/create"}, 5, 20ms);
  EXPECT_THAT(five.status(), StatusIs(StatusCode::kDeadlineExceeded, HasSubstr("saw 2")));
}

TEST(RequestJournalTest, AsyncWaiterFiresOnceOnTheCompletingCommit) {
  RequestJournal journal(100);
  std::atomic<int> calls{0};
  std::atomic<bool> result{false};
  uint64_t id = journal.AddWaiter({.path = "/x"}, 2, [&](bool ok) {
    result = ok;
    ++calls;
  });
  (void)journal.Commit(Entry("/x"));
  EXPECT_EQ(calls, 0);
  (void)journal.Commit(Entry("/y"));
  (void)journal.Commit(Entry("/x"));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(result);
  EXPECT_FALSE(journal.CancelWaiter(id));  // already done

  // Already satisfied: runs inline.
  int inline_calls = 0;
  (void)journal.AddWaiter({.path = "/x"}, 1, [&](bool ok) { inline_calls += ok; });
  EXPECT_EQ(inline_calls, 1);

  // Cancelled: never runs; Clear tells the pending ones.
  int cancelled_calls = 0;
  uint64_t cancelled = journal.AddWaiter({.path = "/z"}, 1, [&](bool) { ++cancelled_calls; });
  EXPECT_TRUE(journal.CancelWaiter(cancelled));
  bool cleared_result = true;
  (void)journal.AddWaiter({.path = "/z"}, 1, [&](bool ok) { cleared_result = ok; });
  journal.Clear();
  EXPECT_EQ(cancelled_calls, 0);
  EXPECT_FALSE(cleared_result);
}

TEST(RequestJournalTest, ClearKeepsSeqIncreasing) {
  RequestJournal journal(10);
  (void)journal.Commit(Entry("/a"));
  journal.Clear();
  EXPECT_EQ(journal.Stats().total, 0u);
  EXPECT_EQ(journal.Commit(Entry("/b")), 2u);
}

TEST(HandshakeLogTest, BoundedWithDropsAndCauseFilter) {
  HandshakeLog log(2);
  log.Record({"127.0.0.1:1", "not_tls", "GET"});
  log.Record({"127.0.0.1:2", "no_client_certificate", ""});
  log.Record({"127.0.0.1:3", "unknown_ca", ""});
  HandshakeStats stats = log.Stats();
  EXPECT_EQ(stats.size, 2u);
  EXPECT_EQ(stats.dropped, 1u);
  std::vector<HandshakeRecord> unknown = log.Records(0, "unknown_ca");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].remote_address, "127.0.0.1:3");
  EXPECT_EQ(unknown[0].seq, 3u);
  EXPECT_EQ(log.Records(2).size(), 1u);
}

}  // namespace
}  // namespace kuscia::mock::journal
