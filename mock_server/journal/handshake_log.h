// The handshake log: failed TLS handshakes on the API port, each with a cause and the peer's address, in
// a bounded ring (the count of dropped records is kept). Fed by the transport's on_handshake_failure.
//
//   HandshakeLog log(1000);
//   server_options.on_handshake_failure = [&log](const transport::HandshakeFailure& f) { log.Record(f); };
//   for (const HandshakeRecord& r : log.Records()) std::cout << r.cause << " from " << r.remote_address;
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "mock_server/transport/http_server.h"

namespace kuscia::mock::journal {

struct HandshakeRecord {
  uint64_t seq = 0;
  std::chrono::system_clock::time_point time{};
  std::string remote_address{};
  // no_client_certificate | unknown_ca | certificate_expired | not_tls | protocol_version | other
  std::string cause{};
  std::string detail{};
};

struct HandshakeStats {
  size_t capacity = 0, size = 0;
  uint64_t total = 0, dropped = 0;
};

class HandshakeLog {
 public:
  static constexpr size_t kDefaultCapacity = 1000;
  explicit HandshakeLog(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  void Record(const transport::HandshakeFailure& failure);
  // Oldest first; only records with seq > since; cause "" = any cause.
  std::vector<HandshakeRecord> Records(uint64_t since = 0, const std::string& cause = "") const;
  HandshakeStats Stats() const;
  void Clear();

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<HandshakeRecord> records_;
  uint64_t next_seq_ = 1;
  uint64_t total_ = 0, dropped_ = 0;
};

}  // namespace kuscia::mock::journal
