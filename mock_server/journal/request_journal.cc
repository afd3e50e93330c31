#include "mock_server/journal/request_journal.h"

#include "mock_server/journal/request_facts.h"

namespace kuscia::mock::journal {

std::string_view TokenSeenName(TokenSeen seen) {
  switch (seen) {
    case TokenSeen::kAbsent: return "absent";
    case TokenSeen::kMatched: return "matched";
    case TokenSeen::kMismatched: return "mismatched";
  }
  return "absent";
}

bool JournalFilter::Matches(const JournalEntry& entry) const {
  if (entry.seq <= since) return false;
  if (method && entry.method != *method) return false;
  if (path && !MatchGlob(*path, entry.path)) return false;
  if (http_status && entry.http_status != *http_status) return false;
  if (api_code && entry.api_code != *api_code) return false;
  if (fault) {
    if (*fault == "any") {
      if (entry.fault_kind.empty()) return false;
    } else if (*fault == "none") {
      if (!entry.fault_kind.empty()) return false;
    } else if (entry.fault_kind != *fault) {
      return false;
    }
  }
  if (job_id) {
    // Last, because it parses the body.
    bool named = false;
    for (const std::string& id : ExtractJobIds(entry.body)) {
      if (MatchGlob(*job_id, id)) {
        named = true;
        break;
      }
    }
    if (!named) return false;
  }
  return true;
}

RequestJournal::RequestJournal(size_t capacity, size_t body_cap) : capacity_(capacity), body_cap_(body_cap) {
  // Reserved, not constructed: pages are touched only as entries arrive, and the ring never reallocates.
  ring_.reserve(capacity_);
}

RequestJournal::~RequestJournal() {
  std::map<uint64_t, Waiter> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(waiters_);
  }
  for (auto& [id, waiter] : pending) waiter.done(false);
}

uint64_t RequestJournal::Commit(JournalEntry entry) {
  JournalEntry evicted;  // destroyed after the lock is released
  std::vector<WaitDone> completed;
  uint64_t seq = 0;
  {
    std::lock_guard lock(mutex_);
    seq = next_seq_++;
    entry.seq = seq;
    ++total_;
    if (!waiters_.empty()) {
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (it->second.filter.Matches(entry) && ++it->second.seen >= it->second.wanted) {
          completed.push_back(std::move(it->second.done));
          it = waiters_.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (capacity_ == 0) {
      ++dropped_;
    } else if (ring_.size() < capacity_) {
      ring_.push_back(std::move(entry));
    } else {
      evicted = std::exchange(ring_[head_], std::move(entry));
      head_ = (head_ + 1) % capacity_;
      ++dropped_;
    }
  }
  committed_.notify_all();
  for (WaitDone& done : completed) done(true);
  return seq;
}

template <class Fn>
void RequestJournal::ForEachLocked(Fn&& fn) const {
  size_t n = ring_.size();
  size_t start = n < capacity_ ? 0 : head_;
  for (size_t i = 0; i < n; ++i) {
    if (!fn(ring_[(start + i) % n])) return;
  }
}

JournalStats RequestJournal::Stats() const {
  std::lock_guard lock(mutex_);
  JournalStats stats;
  stats.capacity = capacity_;
  stats.size = ring_.size();
  stats.total = total_;
  stats.dropped = dropped_;
  stats.last_seq = total_ == 0 ? 0 : next_seq_ - 1;
  for (const JournalEntry& e : ring_) {
    size_t bytes = sizeof(JournalEntry) + e.method.capacity() + e.path.capacity() + e.query.capacity() +
                   e.body.capacity() + e.headers.capacity() * sizeof(e.headers[0]);
    for (const auto& [name, value] : e.headers) bytes += name.capacity() + value.capacity();
    stats.approx_bytes += bytes;
  }
  return stats;
}

std::vector<JournalEntry> RequestJournal::Query(const JournalFilter& filter, size_t limit) const {
  std::vector<JournalEntry> out;
  std::lock_guard lock(mutex_);
  ForEachLocked([&](const JournalEntry& e) {
    if (out.size() >= limit) return false;
    if (filter.Matches(e)) out.push_back(e);
    return true;
  });
  return out;
}

size_t RequestJournal::Count(const JournalFilter& filter) const {
  size_t n = 0;
  std::lock_guard lock(mutex_);
  ForEachLocked([&](const JournalEntry& e) {
    if (filter.Matches(e)) ++n;
    return true;
  });
  return n;
}

namespace {

std::string DescribeFilter(const JournalFilter& f) {
  std::string out;
  auto add = [&](std::string_view key, const std::string& value) {
    out += (out.empty() ? "" : ", ") + std::string(key) + "=" + value;
  };
  if (f.method) add("method", *f.method);
  if (f.path) add("path", *f.path);
  if (f.job_id) add("job_id", *f.job_id);
  if (f.http_status) add("status", std::to_string(*f.http_status));
  if (f.api_code) add("code", std::to_string(*f.api_code));
  if (f.fault) add("fault", *f.fault);
  if (f.since) add("since", std::to_string(f.since));
  return out.empty() ? "any request" : out;
}

}  // namespace

Result<std::vector<JournalEntry>> RequestJournal::WaitFor(const JournalFilter& filter, size_t count,
                                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  size_t seen = 0;
  auto satisfied = [&] {
    seen = 0;
    ForEachLocked([&](const JournalEntry& e) {
      if (filter.Matches(e)) ++seen;
      return true;
    });
    return seen >= count;
  };
  if (!committed_.wait_until(lock, deadline, satisfied)) {
    return DeadlineExceeded("waited " + std::to_string(timeout.count()) + " ms for " + std::to_string(count) +
                            " request(s) matching " + DescribeFilter(filter) + ", saw " + std::to_string(seen) +
                            "; check the filter against GET /admin/journal, or raise the timeout");
  }
  std::vector<JournalEntry> out;
  ForEachLocked([&](const JournalEntry& e) {
    if (filter.Matches(e)) out.push_back(e);
    return true;
  });
  return out;
}

uint64_t RequestJournal::AddWaiter(JournalFilter filter, size_t count, WaitDone done) {
  uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    size_t seen = 0;
    ForEachLocked([&](const JournalEntry& e) {
      if (filter.Matches(e)) ++seen;
      return true;
    });
    id = next_waiter_++;
    if (seen < count) {
      waiters_.emplace(id, Waiter{std::move(filter), count, seen, std::move(done)});
      return id;
    }
  }
  done(true);
  return id;
}

bool RequestJournal::CancelWaiter(uint64_t id) {
  std::lock_guard lock(mutex_);
  return waiters_.erase(id) > 0;
}

void RequestJournal::Clear() {
  std::vector<JournalEntry> forgotten;
  std::map<uint64_t, Waiter> pending;
  {
    std::lock_guard lock(mutex_);
    forgotten.swap(ring_);
    ring_.reserve(capacity_);
    head_ = 0;
    total_ = 0;
    dropped_ = 0;
    pending.swap(waiters_);
  }
  for (auto& [id, waiter] : pending) waiter.done(false);
}

}  // namespace kuscia::mock::journal
