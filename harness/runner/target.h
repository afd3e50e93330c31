// Where scenarios run: the embedded fake (fresh certificates in a temp dir, the fake in-process on port 0,
// torn down at the end) or a live Kuscia endpoint with a Kuscia-layout certificate directory.
//
//   KC_ASSIGN_OR_RETURN(auto target, OpenTarget({.spec = "embedded"}));
//   target->info().base_url;        // "https://127.0.0.1:41234"
//   target->DefaultIdentity();      // ca.crt, kusciaapi-server.crt/.key, token — as the docs use them
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "api/status.h"
#include "harness/client/client.h"

namespace kuscia::harness::runner {

struct TargetInfo {
  std::string spec{};                        // "embedded" or the URL, as given
  std::string description{};                 // for reports
  std::string base_url{};
  std::filesystem::path certs_dir{};
  std::optional<std::filesystem::path> catalogue_dir{};  // DIR/catalogue/<identity>/ when available
  bool live = false;
  bool control_plane = false;                // the fake's control plane (not built yet: always false)
  bool manual_clock = false;
};

class Target {
 public:
  virtual ~Target() = default;
  virtual const TargetInfo& info() const = 0;
  // The run's identity before per-step overrides (--client-cert/--client-key applied).
  ClientIdentity DefaultIdentity() const;
  void SetClientPair(std::optional<std::filesystem::path> cert, std::optional<std::filesystem::path> key);

 private:
  std::optional<std::filesystem::path> client_cert_, client_key_;
};

struct TargetOptions {
  std::string spec = "embedded";             // "embedded" | "https://HOST:PORT" | "http://HOST:PORT"
  std::filesystem::path certs_dir{};         // required for a live target
  std::optional<std::filesystem::path> client_cert{}, client_key{};
  bool keep_files = false;                   // embedded: keep the temp dir (certs for rerunning curl)
  std::chrono::milliseconds task_duration{200};  // embedded: how long each fake task runs
};

// InvalidArgument for a bad spec or a missing --certs; Unimplemented when the embedded fake is not part
// of this build; other errors when the fake cannot start.
Result<std::unique_ptr<Target>> OpenTarget(const TargetOptions& options);

// Implemented in embedded_target.cc (links the fake) or embedded_target_unavailable.cc.
Result<std::unique_ptr<Target>> StartEmbeddedTarget(const TargetOptions& options);

}  // namespace kuscia::harness::runner
