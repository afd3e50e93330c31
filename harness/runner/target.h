// Where scenarios run: the embedded fake (fresh certificates in a temp dir, the fake in-process on port 0
// with its control plane, torn down at the end) or a live Kuscia endpoint with a Kuscia-layout certificate
// directory — optionally a kuscia-mock started on its own, whose control plane is given with --admin.
//
//   KC_ASSIGN_OR_RETURN(auto target, OpenTarget({.spec = "embedded"}));
//   target->info().base_url;        // "https://127.0.0.1:41234"
//   target->DefaultIdentity();      // ca.crt, kusciaapi-server.crt/.key, token — as the docs use them
//   target->control();              // the control plane, or null
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>

#include "api/status.h"
#include "harness/client/client.h"
#include "harness/runner/control_channel.h"

namespace kuscia::harness::runner {

struct TargetInfo {
  std::string spec{};                        // "embedded" or the URL, as given
  std::string description{};                 // for reports
  std::string base_url{};
  std::filesystem::path certs_dir{};
  std::optional<std::filesystem::path> catalogue_dir{};  // DIR/catalogue/<identity>/ when available
  bool live = false;
  bool control_plane = false;                // control() is set
  bool manual_clock = false;                 // the clock moves only through the control plane
  bool autonomy = false;                     // autonomy (P2P) mode as domain alice
};

// Which fake a scenario needs beyond the default one (scenario `requires`).
struct TargetVariant {
  bool manual_clock = false;
  bool autonomy = false;
  bool operator==(const TargetVariant&) const = default;
};

class Target {
 public:
  virtual ~Target() = default;
  virtual const TargetInfo& info() const = 0;
  // The control plane (docs/control-plane.md); null when this target has none.
  virtual const ControlChannel* control() const { return nullptr; }
  // A target that is this variant: `this` when it already is, a fake started for it on first use (the
  // embedded target), or an error saying why there is none (a live target cannot change its clock).
  virtual Result<const Target*> Variant(const TargetVariant& variant) const;

  // The run's identity before per-step overrides (--client-cert/--client-key applied).
  ClientIdentity DefaultIdentity() const;
  void SetClientPair(std::optional<std::filesystem::path> cert, std::optional<std::filesystem::path> key);

  // Scenarios that drive the control plane change the whole fake, so they hold this exclusively while
  // the others share it.
  std::shared_mutex& scenario_lock() const { return scenario_lock_; }

 protected:
  std::optional<std::filesystem::path> client_cert_, client_key_;

 private:
  mutable std::shared_mutex scenario_lock_;
};

struct TargetOptions {
  std::string spec = "embedded";             // "embedded" | "https://HOST:PORT" | "http://HOST:PORT"
  std::filesystem::path certs_dir{};         // required for a live target
  std::optional<std::filesystem::path> client_cert{}, client_key{};
  bool keep_files = false;                   // embedded: keep the temp dir (certs for rerunning curl)
  std::chrono::milliseconds task_duration{200};  // embedded: how long each fake task runs
  std::chrono::milliseconds heartbeat{1000};     // embedded: watch heartbeat interval (Kuscia: 10 s)
  // A live target that is a kuscia-mock: its control plane ("http://127.0.0.1:PORT") and the file
  // holding its --admin-token, if it was started with one.
  std::optional<std::string> admin_url{};
  std::optional<std::filesystem::path> admin_token_file{};
};

// InvalidArgument for a bad spec or a missing --certs; Unavailable when --admin does not answer; other
// errors when the fake cannot start.
Result<std::unique_ptr<Target>> OpenTarget(const TargetOptions& options);

// Implemented in embedded_target.cc (links the fake).
Result<std::unique_ptr<Target>> StartEmbeddedTarget(const TargetOptions& options);

}  // namespace kuscia::harness::runner
