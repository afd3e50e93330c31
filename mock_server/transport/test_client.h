// TEST SUPPORT ONLY: what the transport's end-to-end tests share: a handler built from a lambda, a raw
// TCP client (bytes exactly as written, for malformed requests and stalled readers), and curl.
//
//   auto handler = std::make_shared<FunctionHandler>([](HttpRequest r, std::shared_ptr<ResponseWriter> w) {
//     w->Send({.body = r.path});
//   });
//   RawConnection c = RawConnection::Connect(server->port());
//   c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
//   std::string reply = c.ReadUntilClose(5s);
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mock_server/transport/http_server.h"
#include "sys/process.h"

namespace kuscia::mock::transport::testing {

class FunctionHandler final : public RequestHandler {
 public:
  using Fn = std::function<void(HttpRequest, std::shared_ptr<ResponseWriter>)>;
  explicit FunctionHandler(Fn fn) : fn_(std::move(fn)) {}
  void Handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer) override {
    fn_(std::move(request), std::move(writer));
  }

 private:
  Fn fn_;
};

class RawConnection {
 public:
  // Plain TCP to 127.0.0.1:port; `receive_buffer` > 0 shrinks SO_RCVBUF (a reader that stalls sooner).
  static RawConnection Connect(uint16_t port, int receive_buffer = 0);
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&&) = delete;
  ~RawConnection();

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads until `done(received so far)` holds, the peer closes, or `timeout`; returns all bytes read.
  std::string ReadUntil(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout);
  std::string ReadUntilClose(std::chrono::milliseconds timeout);
  bool peer_closed() const { return peer_closed_; }
  bool peer_reset() const { return peer_reset_; }
  void Close();

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_ = -1;
  bool peer_closed_ = false;
  bool peer_reset_ = false;
};

// Runs curl with a 20 s cap; fails the calling test (via the returned result's exit_code = -2) only
// when curl cannot be started at all.
sys::ProcessResult Curl(std::vector<std::string> args);

}  // namespace kuscia::mock::transport::testing
