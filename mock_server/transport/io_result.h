// What one non-blocking read or write attempt on a connection came to, whichever layer made it (the
// plain socket, OpenSSL, or the transport's own TLS 1.3 record layer). Internal to mock_server/transport.
#pragma once

#include <cstddef>
#include <string>

namespace kuscia::mock::transport::internal {

enum class Io { kProgress, kWantRead, kWantWrite, kEof, kError };

struct IoResult {
  Io io = Io::kProgress;
  size_t bytes = 0;
  std::string error{};  // kError: what went wrong
};

}  // namespace kuscia::mock::transport::internal
