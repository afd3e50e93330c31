// MiniKuscia (tests only): a tiny mutual-TLS server on cpp-httplib that answers a few routes the way
// Kuscia does (POST /healthZ, 401 with an empty body for a missing or wrong token, gin's 404 text), so the
// clients and the runner's live target can be tested without the full fake.
//
//   sys::TempDir dir;
//   auto mini = MiniKuscia::Start(dir.path());        // writes a Kuscia cert dir, listens on 127.0.0.1:0
//   std::string url = (*mini)->base_url();
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "api/status.h"
#include "certs/kuscia_dir.h"

namespace kuscia::harness::testing {

struct MiniKusciaOptions {
  std::string host = "127.0.0.1";   // 127.0.0.2 is loopback too, but not in the certificate's SANs
  bool require_client_cert = true;  // false: TLS mode (no client certificate asked)
  bool plain_http = false;          // true: NOTLS
  // Deliberately wrong behaviour, for the runner's false-pass tests.
  bool wrong_health_code = false;   // /healthZ answers status.code 11100
};

class MiniKuscia {
 public:
  static Result<std::unique_ptr<MiniKuscia>> Start(const std::filesystem::path& dir, MiniKusciaOptions options = {});
  ~MiniKuscia();
  std::string base_url() const;
  int port() const { return port_; }
  const certs::KusciaDirPaths& paths() const { return paths_; }

 private:
  struct Impl;
  MiniKuscia() = default;
  std::unique_ptr<Impl> impl_;
  certs::KusciaDirPaths paths_;
  int port_ = 0;
  bool plain_ = false;
  std::string host_;
};

}  // namespace kuscia::harness::testing
