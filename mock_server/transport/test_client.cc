// TEST SUPPORT ONLY (see test_client.h).
#include "mock_server/transport/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace kuscia::mock::transport::testing {

RawConnection RawConnection::Connect(uint16_t port, int receive_buffer) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return RawConnection(-1);
  if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return RawConnection(-1);
  }
  return RawConnection(fd);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_), peer_closed_(other.peer_closed_), peer_reset_(other.peer_reset_) {
  other.fd_ = -1;
}

RawConnection::~RawConnection() { Close(); }

void RawConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawConnection::ReadUntil(const std::function<bool(const std::string&)>& done,
                                     std::chrono::milliseconds timeout) {
  std::string received;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(received) && !peer_closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      peer_closed_ = true;
      peer_reset_ = n < 0 && errno == ECONNRESET;
      break;
    }
    received.append(buf, static_cast<size_t>(n));
  }
  return received;
}

std::string RawConnection::ReadUntilClose(std::chrono::milliseconds timeout) {
  return ReadUntil([](const std::string&) { return false; }, timeout);
}

sys::ProcessResult Curl(std::vector<std::string> args) {
  std::vector<std::string> argv = {"curl", "-sS", "--max-time", "20"};
  argv.insert(argv.end(), args.begin(), args.end());
  sys::ProcessOptions options;
  options.timeout = std::chrono::seconds(30);
  Result<sys::ProcessResult> result = sys::RunProcess(argv, options);
  if (!result.ok()) {
    sys::ProcessResult failed;
    failed.exit_code = -2;
    failed.stderr_text = result.status().ToString();
    return failed;
  }
  return *std::move(result);
}

}  // namespace kuscia::mock::transport::testing
