// The control plane's operations, in-process: reset, state dump, the clock, outcome and fault rules, the
// journal and handshake log, and live credential swaps. The admin listener (admin_handler.h) is a thin
// JSON skin over this class; an embedded fake can call it directly.
//
// Everything here acts on a running server without a restart: a rotated token applies to the next
// request, a swapped server certificate or protocol mode to the next connection.
//
//   ControlPlane control(targets);                        // installs the outcome hook on the engine
//   control.AddResetHook("jobs", [&] { return DeleteAllJobs(engine); });
//   KC_RETURN_IF_ERROR(control.UseServerIdentity("server-expired"));
//   KC_RETURN_IF_ERROR(control.AdvanceClock(std::chrono::seconds(2)));
//   KC_RETURN_IF_ERROR(control.Reset());
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "certs/kuscia_dir.h"
#include "mock_server/control/outcome_rules.h"
#include "mock_server/faults/fault_rule.h"
#include "mock_server/journal/handshake_log.h"
#include "mock_server/journal/request_journal.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock::engine {
class Engine;
class ManualClock;
}  // namespace kuscia::mock::engine

namespace kuscia::mock::http {
class KusciaRouter;
}  // namespace kuscia::mock::http

namespace kuscia::mock::control {

inline constexpr char kDefaultServerIdentity[] = "default";

class CatalogueCache;  // the broken identities, generated on first use

// What the control plane acts on. All pointers must outlive the ControlPlane; the API server may be set
// later (SetApiServer), since it is started after the router exists.
struct ControlTargets {
  engine::Engine* engine = nullptr;
  engine::ManualClock* manual_clock = nullptr;  // null: the clock is real and cannot be moved
  http::KusciaRouter* router = nullptr;
  journal::RequestJournal* journal = nullptr;
  journal::HandshakeLog* handshakes = nullptr;
  faults::FaultRuleSet* faults = nullptr;
  std::filesystem::path certs_dir{};            // holds ca.key: broken server identities are derived from it
  certs::KusciaMaterial material{};             // the starting credentials
  transport::ProtocolMode mode = transport::ProtocolMode::kMtls;
  std::function<void(transport::ProtocolMode)> on_mode_changed{};  // e.g. the composition's base_url
};

struct CredentialState {
  transport::ProtocolMode mode = transport::ProtocolMode::kMtls;
  std::string server_identity = kDefaultServerIdentity;
  bool token_rotated = false;
  bool token_file_rewritten = false;
};

class ControlPlane {
 public:
  explicit ControlPlane(ControlTargets targets);
  ~ControlPlane();  // removes the outcome hook
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  void SetApiServer(transport::HttpServer* server);

  // Hooks run by Reset in the order added (e.g. "jobs": delete every job; "data": restore the data
  // services' starting state). The first failure stops the reset and is returned with the hook's name.
  void AddResetHook(std::string name, std::function<Status()> hook);
  // Back to the starting state: faults and outcome rules removed, credentials restored, the reset hooks,
  // the manual clock back to its start, and finally the journal and handshake log emptied.
  Status Reset();
  // Everything a test might want to see at once (docs/control-plane.md "GET /admin/state").
  nlohmann::ordered_json State() const;

  // The clock. FailedPrecondition for Advance/Set on a real clock (start with --clock manual).
  bool manual_clock() const { return targets_.manual_clock != nullptr; }
  nlohmann::ordered_json ClockJson() const;
  Status AdvanceClock(std::chrono::milliseconds by);
  Status SetClock(std::chrono::system_clock::time_point to);

  OutcomeRuleSet& outcomes() { return outcomes_; }
  faults::FaultRuleSet& faults() { return *targets_.faults; }
  journal::RequestJournal& journal() { return *targets_.journal; }
  journal::HandshakeLog& handshakes() { return *targets_.handshakes; }

  // Credentials. The token applies to the next request; `write_file` also rewrites the certs dir's token
  // file (0600, no newline) so clients that re-read it can recover. Reset restores both.
  Status RotateToken(std::string token, bool write_file);
  // "default" or a server-side catalogue identity (server-expired, server-wrong-san, server-other-ca):
  // new connections get that server certificate. The catalogue is generated on first use. NotFound lists
  // the names.
  Status UseServerIdentity(const std::string& name);
  // New connections use `mode`; the token check follows it (off in notls, reference §1.2).
  Status SwitchMode(transport::ProtocolMode mode);
  CredentialState Credentials() const;
  std::vector<std::string> ServerIdentityNames() const;

 private:
  Result<transport::TlsMaterial> MaterialFor(const std::string& identity);
  Status ApplyTls(transport::ProtocolMode mode, const std::string& identity);

  ControlTargets targets_;
  OutcomeRuleSet outcomes_;
  std::chrono::system_clock::time_point clock_start_{};

  mutable std::mutex mutex_;  // credentials, hooks, catalogue
  transport::HttpServer* api_server_ = nullptr;
  CredentialState credentials_;
  std::vector<std::pair<std::string, std::function<Status()>>> reset_hooks_;
  std::unique_ptr<CatalogueCache> catalogue_;
};

}  // namespace kuscia::mock::control
