// The request journal: a bounded ring of every request the fake answered, for "what did the client send"
// and "wait until N matching requests" checks. Bounded because unbounded journals are how WireMock and
// mountebank users ran out of memory; when full the oldest entry goes and `dropped` counts it.
//
// The router commits an entry before the last byte of its response is written, so a waiter woken by the
// commit never races the client that got the response. The hot path is a move into a preallocated slot
// under a short lock; JSON is built only when someone reads (journal_json.h).
//
//   RequestJournal journal(/*capacity=*/1000);
//   journal.Commit(std::move(entry));                                  // the router does this
//   JournalFilter filter{.path = "/api/v1/job/create"};
//   Result<std::vector<JournalEntry>> two = journal.WaitFor(filter, 2, std::chrono::seconds(5));
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/status.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock::journal {

// Whether the request's Token header matched the server's token; the value itself is never kept.
enum class TokenSeen { kAbsent, kMatched, kMismatched };
std::string_view TokenSeenName(TokenSeen seen);  // "absent" | "matched" | "mismatched"

struct JournalEntry {
  uint64_t seq = 0;  // 1, 2, ... in commit order; assigned by Commit, never reused
  std::chrono::system_clock::time_point time{};  // when the request reached the router
  std::string method{}, path{}, query{};
  // As received, in order; every Token header's value is replaced by "<matched>" / "<mismatched>".
  std::vector<std::pair<std::string, std::string>> headers{};
  TokenSeen token = TokenSeen::kAbsent;
  std::string body{};    // at most the journal's body cap
  size_t body_size = 0;  // the full size as received
  // The peer's address, TLS version and client certificate; shared by every request of a connection.
  std::shared_ptr<const transport::ConnectionInfo> connection{};
  int http_status = 0;             // what the client was shown; 0 = no status line (the connection was cut)
  std::optional<int> api_code{};   // the body's status.code as sent
  std::chrono::microseconds duration{0};  // from arrival until the response was handed to the transport
  bool stream = false;             // a watch stream (committed when the stream starts)
  uint64_t fault_rule = 0;         // the fault rule that fired; 0 = none
  std::string_view fault_kind{};   // its kind's name (static storage); "" = none
};

// Every set field must hold. Patterns are globs (request_facts.h).
struct JournalFilter {
  std::optional<std::string> path{};    // glob over the path: "/api/v1/job/*"
  std::optional<std::string> method{};  // exact: "POST"
  std::optional<std::string> job_id{};  // glob over the body's job_id / job_ids
  std::optional<int> http_status{};
  std::optional<int> api_code{};
  std::optional<std::string> fault{};   // a fault kind name, "any" (some fault fired) or "none"
  uint64_t since = 0;                   // only entries with seq > since

  bool Matches(const JournalEntry& entry) const;
};

struct JournalStats {
  size_t capacity = 0;
  size_t size = 0;         // entries held now
  uint64_t total = 0;      // entries ever committed (since the last Clear)
  uint64_t dropped = 0;    // entries pushed out by newer ones
  uint64_t last_seq = 0;   // seq of the newest entry; 0 when none
  size_t approx_bytes = 0; // heap bytes held by the entries' strings (computed on request)
};

class RequestJournal {
 public:
  static constexpr size_t kDefaultCapacity = 1000;
  static constexpr size_t kDefaultBodyCap = 64 * 1024;

  // capacity 0 keeps nothing (Commit only counts); body_cap bounds each stored body.
  explicit RequestJournal(size_t capacity = kDefaultCapacity, size_t body_cap = kDefaultBodyCap);
  ~RequestJournal();  // pending async waiters are told "not satisfied"
  RequestJournal(const RequestJournal&) = delete;
  RequestJournal& operator=(const RequestJournal&) = delete;

  size_t capacity() const { return capacity_; }
  size_t body_cap() const { return body_cap_; }

  // Stores `entry` (assigning its seq, which is returned), evicting the oldest when full, and wakes
  // every waiter the entry completes. Callbacks of completed async waiters run on the calling thread,
  // after the lock is released.
  uint64_t Commit(JournalEntry entry);

  JournalStats Stats() const;
  // Matching entries, oldest first, at most `limit`.
  std::vector<JournalEntry> Query(const JournalFilter& filter,
                                  size_t limit = std::numeric_limits<size_t>::max()) const;
  size_t Count(const JournalFilter& filter) const;

  // Blocks until `count` held entries match, or `timeout` passes (DeadlineExceeded naming the filter, the
  // count wanted and the count seen). Returns the matching entries.
  [[nodiscard]] Result<std::vector<JournalEntry>> WaitFor(const JournalFilter& filter, size_t count,
                                                          std::chrono::milliseconds timeout);

  // The non-blocking form for event loops: `done(true)` runs once `count` entries match (inline, before
  // AddWaiter returns, when they already do); `done(false)` runs if the waiter is cancelled by Clear or
  // destruction. CancelWaiter returns true when it removed a still-pending waiter (whose callback then
  // never runs), false when the callback has run or is running.
  using WaitDone = std::function<void(bool satisfied)>;
  uint64_t AddWaiter(JournalFilter filter, size_t count, WaitDone done);
  bool CancelWaiter(uint64_t id);

  // Forgets every entry and resets the counters (seq keeps increasing, so `since` stays meaningful).
  void Clear();

 private:
  struct Waiter {
    JournalFilter filter;
    size_t wanted = 0;
    size_t seen = 0;
    WaitDone done;
  };

  template <class Fn>
  void ForEachLocked(Fn&& fn) const;  // oldest first

  const size_t capacity_;
  const size_t body_cap_;
  mutable std::mutex mutex_;
  std::condition_variable committed_;
  std::vector<JournalEntry> ring_;  // grows to capacity_, then entries are overwritten at head_
  size_t head_ = 0;                 // the oldest entry once full
  uint64_t next_seq_ = 1;
  uint64_t total_ = 0;
  uint64_t dropped_ = 0;
  std::map<uint64_t, Waiter> waiters_;
  uint64_t next_waiter_ = 1;
};

}  // namespace kuscia::mock::journal
