// Test-only listeners on 127.0.0.1:0 that stand for the wrong things a user can point a client at:
// the Kuscia gateway (envoy, plain HTTP: 401 `unauthorized.`, `server: kuscia-gateway`) and the gRPC port
// (TLS that negotiates only ALPN h2 and drops HTTP/1.1, as grpc-go does). One connection at a time.
//
//   auto gateway = Decoy::StartGateway();
//   auto grpc = Decoy::StartH2Only(cert_pem, key_pem);
//   std::string url = "https://127.0.0.1:" + std::to_string((*grpc)->port());
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "api/status.h"

namespace kuscia::doctor::testing {

class Decoy {
 public:
  static Result<std::unique_ptr<Decoy>> StartGateway();
  static Result<std::unique_ptr<Decoy>> StartH2Only(const std::string& cert_pem, const std::string& key_pem);
  ~Decoy();
  Decoy(const Decoy&) = delete;
  Decoy& operator=(const Decoy&) = delete;

  uint16_t port() const { return port_; }

 private:
  enum class Kind { kGateway, kH2Only };
  Decoy() = default;
  Status Listen();
  void Serve();
  void ServeGateway(int fd);
  void ServeH2Only(int fd);

  Kind kind_ = Kind::kGateway;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a byte on [1] stops the accept loop
  uint16_t port_ = 0;
  void* ssl_ctx_ = nullptr;     // SSL_CTX* for kH2Only
  std::thread thread_;
};

}  // namespace kuscia::doctor::testing
