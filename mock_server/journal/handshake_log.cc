#include "mock_server/journal/handshake_log.h"

namespace kuscia::mock::journal {

void HandshakeLog::Record(const transport::HandshakeFailure& failure) {
  HandshakeRecord record{0, std::chrono::system_clock::now(), failure.remote_address, failure.cause, failure.detail};
  std::lock_guard lock(mutex_);
  record.seq = next_seq_++;
  ++total_;
  if (capacity_ == 0) {
    ++dropped_;
    return;
  }
  if (records_.size() == capacity_) {
    records_.pop_front();
    ++dropped_;
  }
  records_.push_back(std::move(record));
}

std::vector<HandshakeRecord> HandshakeLog::Records(uint64_t since, const std::string& cause) const {
  std::lock_guard lock(mutex_);
  std::vector<HandshakeRecord> out;
  for (const HandshakeRecord& r : records_) {
    if (r.seq > since && (cause.empty() || r.cause == cause)) out.push_back(r);
  }
  return out;
}

HandshakeStats HandshakeLog::Stats() const {
  std::lock_guard lock(mutex_);
  return {capacity_, records_.size(), total_, dropped_};
}

void HandshakeLog::Clear() {
  std::lock_guard lock(mutex_);
  records_.clear();
  total_ = 0;
  dropped_ = 0;
}

}  // namespace kuscia::mock::journal
