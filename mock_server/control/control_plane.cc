#include "mock_server/control/control_plane.h"

#include "certs/catalogue.h"
#include "mock_server/engine/clock.h"
#include "mock_server/engine/engine.h"
#include "mock_server/http/kuscia_router.h"
#include "mock_server/journal/journal_json.h"
#include "sys/files.h"

namespace kuscia::mock::control {

using Json = nlohmann::ordered_json;

// The catalogue's broken identities, written once into a private temp dir (never into the user's certs
// dir) and read from there on every swap.
class CatalogueCache {
 public:
  static Result<std::unique_ptr<CatalogueCache>> Generate(const std::filesystem::path& certs_dir) {
    auto cache = std::unique_ptr<CatalogueCache>(new CatalogueCache());
    Result<std::vector<std::filesystem::path>> dirs =
        certs::WriteCatalogue(certs::KusciaPathsIn(certs_dir), cache->dir_.path());
    if (!dirs.ok()) return dirs.status().WithContext("deriving the broken server identities from " + certs_dir.string());
    return cache;
  }

  Result<transport::TlsMaterial> ServerMaterial(const std::string& name, const std::string& ca_pem) const {
    std::filesystem::path dir = dir_.path() / certs::kCatalogueDirName / name;
    KC_ASSIGN_OR_RETURN(std::string cert, sys::ReadFile(dir / certs::kServerCertFile));
    KC_ASSIGN_OR_RETURN(std::string key, sys::ReadFile(dir / certs::kServerKeyFile));
    return transport::TlsMaterial{ca_pem, std::move(cert), std::move(key)};
  }

 private:
  CatalogueCache() = default;
  sys::TempDir dir_{"kc-mock-catalogue"};
};

namespace {

// The catalogue rows that break the server's own certificate and can be served (server-key-mismatch
// cannot: a server refuses to load it).
bool IsServableServerIdentity(const certs::BrokenIdentity& identity) {
  return identity.broken_file == certs::kServerCertFile && identity.curl_exit != certs::kNoServer;
}

}  // namespace

ControlPlane::ControlPlane(ControlTargets targets) : targets_(std::move(targets)) {
  credentials_.mode = targets_.mode;
  if (targets_.manual_clock != nullptr) clock_start_ = targets_.manual_clock->Now();
  if (targets_.engine != nullptr) {
    targets_.engine->SetOutcomeHook([this](const engine::JobSpec& spec) { return outcomes_.PlanFor(spec); });
  }
}

ControlPlane::~ControlPlane() {
  if (targets_.engine != nullptr) targets_.engine->SetOutcomeHook(nullptr);
}

void ControlPlane::SetApiServer(transport::HttpServer* server) {
  std::lock_guard lock(mutex_);
  api_server_ = server;
}

void ControlPlane::AddResetHook(std::string name, std::function<Status()> hook) {
  std::lock_guard lock(mutex_);
  reset_hooks_.emplace_back(std::move(name), std::move(hook));
}

Status ControlPlane::Reset() {
  targets_.faults->Clear();
  outcomes_.Clear();
  KC_RETURN_IF_ERROR(RotateToken(targets_.material.token, /*write_file=*/false));
  {
    bool restore_file = false;
    {
      std::lock_guard lock(mutex_);
      restore_file = credentials_.token_file_rewritten;
    }
    if (restore_file) {
      KC_RETURN_IF_ERROR(sys::WriteFileAtomic(targets_.certs_dir / certs::kTokenFile, targets_.material.token, 0600));
    }
    std::lock_guard lock(mutex_);
    credentials_.token_rotated = false;
    credentials_.token_file_rewritten = false;
  }
  KC_RETURN_IF_ERROR(ApplyTls(targets_.mode, kDefaultServerIdentity));
  std::vector<std::pair<std::string, std::function<Status()>>> hooks;
  {
    std::lock_guard lock(mutex_);
    hooks = reset_hooks_;
  }
  for (const auto& [name, hook] : hooks) {
    Status status = hook();
    if (!status.ok()) return status.WithContext("reset hook '" + name + "'");
  }
  if (targets_.manual_clock != nullptr) targets_.manual_clock->Set(clock_start_);
  targets_.journal->Clear();
  targets_.handshakes->Clear();
  return OkStatus();
}

Json ControlPlane::ClockJson() const {
  engine::TimePoint now = targets_.engine != nullptr ? targets_.engine->clock()->Now() : std::chrono::system_clock::now();
  return Json{{"kind", manual_clock() ? "manual" : "real"},
              {"now", engine::FormatRfc3339(now)},
              {"now_ms", std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()}};
}

Status ControlPlane::AdvanceClock(std::chrono::milliseconds by) {
  if (targets_.manual_clock == nullptr) {
    return FailedPrecondition("the clock is real and moves by itself; start kuscia-mock with --clock manual to move "
                              "it from the control plane");
  }
  return targets_.manual_clock->Advance(by);
}

Status ControlPlane::SetClock(std::chrono::system_clock::time_point to) {
  if (targets_.manual_clock == nullptr) {
    return FailedPrecondition("the clock is real and cannot be set; start kuscia-mock with --clock manual to set it "
                              "from the control plane");
  }
  targets_.manual_clock->Set(to);
  return OkStatus();
}

Status ControlPlane::RotateToken(std::string token, bool write_file) {
  if (write_file) {
    KC_RETURN_IF_ERROR(sys::WriteFileAtomic(targets_.certs_dir / certs::kTokenFile, token, 0600));
  }
  if (targets_.router != nullptr) targets_.router->SetToken(token);
  std::lock_guard lock(mutex_);
  credentials_.token_rotated = token != targets_.material.token;
  credentials_.token_file_rewritten = credentials_.token_file_rewritten || write_file;
  return OkStatus();
}

std::vector<std::string> ControlPlane::ServerIdentityNames() const {
  std::vector<std::string> names = {kDefaultServerIdentity};
  for (const certs::BrokenIdentity& identity : certs::Catalogue()) {
    if (IsServableServerIdentity(identity)) names.push_back(identity.name);
  }
  return names;
}

Result<transport::TlsMaterial> ControlPlane::MaterialFor(const std::string& identity) {
  const certs::KusciaMaterial& m = targets_.material;
  if (identity == kDefaultServerIdentity) return transport::TlsMaterial{m.ca_cert, m.server_cert, m.server_key};
  bool known = false;
  for (const certs::BrokenIdentity& row : certs::Catalogue()) known = known || (row.name == identity && IsServableServerIdentity(row));
  if (!known) {
    std::string names;
    for (const std::string& name : ServerIdentityNames()) names += (names.empty() ? "" : ", ") + name;
    return NotFound("no server identity '" + identity + "'; use one of: " + names);
  }
  if (!catalogue_) {
    KC_ASSIGN_OR_RETURN(catalogue_, CatalogueCache::Generate(targets_.certs_dir));
  }
  return catalogue_->ServerMaterial(identity, m.ca_cert);
}

Status ControlPlane::ApplyTls(transport::ProtocolMode mode, const std::string& identity) {
  std::function<void(transport::ProtocolMode)> notify;
  {
    std::lock_guard lock(mutex_);
    KC_ASSIGN_OR_RETURN(transport::TlsMaterial material, MaterialFor(identity));
    if (api_server_ != nullptr) KC_RETURN_IF_ERROR(api_server_->UpdateTls(mode, std::move(material)));
    if (targets_.router != nullptr) targets_.router->SetMode(mode);
    bool mode_changed = credentials_.mode != mode;
    credentials_.mode = mode;
    credentials_.server_identity = identity;
    if (mode_changed) notify = targets_.on_mode_changed;
  }
  if (notify) notify(mode);
  return OkStatus();
}

Status ControlPlane::UseServerIdentity(const std::string& name) {
  transport::ProtocolMode mode;
  {
    std::lock_guard lock(mutex_);
    mode = credentials_.mode;
  }
  return ApplyTls(mode, name);
}

Status ControlPlane::SwitchMode(transport::ProtocolMode mode) {
  std::string identity;
  {
    std::lock_guard lock(mutex_);
    identity = credentials_.server_identity;
  }
  return ApplyTls(mode, identity);
}

CredentialState ControlPlane::Credentials() const {
  std::lock_guard lock(mutex_);
  return credentials_;
}

Json ControlPlane::State() const {
  CredentialState credentials = Credentials();
  Json jobs = Json::array();
  if (targets_.engine != nullptr) {
    for (const engine::JobRecord& record : targets_.engine->ExportJobs()) {
      jobs.push_back(Json{{"job_id", record.spec.job_id},
                          {"state", std::string(engine::ApiJobState(record.phase))},
                          {"phase", std::string(engine::RawPhaseName(record.phase))}});
    }
  }
  Json faults = Json::array();
  for (const auto& rule : targets_.faults->List()) faults.push_back(faults::RuleStateToJson(rule));
  Json outcomes = Json::array();
  for (const auto& listed : outcomes_.List()) {
    Json rule = {{"id", listed.id}};
    rule.update(OutcomeRuleToJson(listed.rule));
    rule["applied"] = listed.applied;
    outcomes.push_back(std::move(rule));
  }
  return Json{{"clock", ClockJson()},
              {"credentials",
               {{"mode", std::string(transport::ProtocolModeName(credentials.mode))},
                {"server_identity", credentials.server_identity},
                {"token_rotated", credentials.token_rotated},
                {"token_file_rewritten", credentials.token_file_rewritten}}},
              {"jobs", std::move(jobs)},
              {"faults", std::move(faults)},
              {"outcomes", std::move(outcomes)},
              {"journal", journal::StatsToJson(targets_.journal->Stats())},
              {"handshakes", journal::StatsToJson(targets_.handshakes->Stats())}};
}

}  // namespace kuscia::mock::control
