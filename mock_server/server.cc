#include "mock_server/server.h"

#include <unistd.h>

#include <atomic>
#include <unordered_map>

#include "certs/kuscia_dir.h"
#include "mock_server/control/admin_listener.h"
#include "mock_server/control/control_plane.h"
#include "mock_server/engine/clock.h"
#include "mock_server/engine/engine.h"
#include "mock_server/engine_watch_source.h"
#include "mock_server/http/kuscia_router.h"
#include "mock_server/http/request_log.h"
#include "mock_server/services/data_services.h"
#include "mock_server/services/health_service.h"
#include "mock_server/services/job_service.h"
#include "mock_server/services/state_file.h"
#include "mock_server/store/data_store.h"
#include "sys/files.h"

namespace kuscia::mock {
namespace {

std::string LocalHostName() {
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "kuscia-mock";
  return name;
}

// Every unary route the fake serves, bound to its service method.
std::unordered_map<std::string, http::UnaryMethod> BindMethods(services::JobService& jobs,
                                                                services::HealthService& health,
                                                                services::DataServices& data) {
  using Json = nlohmann::ordered_json;
  auto bind = [](auto* service, auto method) {
    return http::UnaryMethod([service, method](const Json& request) { return (service->*method)(request); });
  };
  std::unordered_map<std::string, http::UnaryMethod> methods = {
      {"/api/v1/job/create", bind(&jobs, &services::JobService::CreateJob)},
      {"/api/v1/job/query", bind(&jobs, &services::JobService::QueryJob)},
      {"/api/v1/job/status/batchQuery", bind(&jobs, &services::JobService::BatchQueryJobStatus)},
      {"/api/v1/job/delete", bind(&jobs, &services::JobService::DeleteJob)},
      {"/api/v1/job/stop", bind(&jobs, &services::JobService::StopJob)},
      {"/api/v1/job/suspend", bind(&jobs, &services::JobService::SuspendJob)},
      {"/api/v1/job/restart", bind(&jobs, &services::JobService::RestartJob)},
      {"/api/v1/job/cancel", bind(&jobs, &services::JobService::CancelJob)},
      {"/api/v1/job/approve", bind(&jobs, &services::JobService::ApproveJob)},
      {"/healthZ", bind(&health, &services::HealthService::HealthZ)},
  };
  // Domains, routes, data sources and domain data.
  for (auto& [path, method] : data.Routes()) methods.emplace(path, std::move(method));
  return methods;
}

}  // namespace

Result<ClockKind> ParseClockKind(std::string_view text) {
  if (text == "real") return ClockKind::kReal;
  if (text == "manual") return ClockKind::kManual;
  return InvalidArgument("--clock must be 'real' or 'manual', got '" + std::string(text) + "'");
}

struct MockServer::Parts {
  MockServerOptions options;
  std::string advertised_host;
  std::shared_ptr<engine::ManualClock> manual_clock;
  nlohmann::ordered_json starting_state;  // what `reset` returns to
  std::string starting_state_source;
  std::unique_ptr<store::DataStore> store;  // before the engine: the engine's input check reads it
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<services::DataServices> data;
  std::unique_ptr<services::JobService> jobs;
  std::unique_ptr<services::HealthService> health;
  std::unique_ptr<EngineWatchSource> watch;
  std::unique_ptr<http::RequestLog> log;
  // The control plane's state on the request path; declared before the router and server that use it.
  std::unique_ptr<journal::RequestJournal> journal;
  std::unique_ptr<journal::HandshakeLog> handshakes;
  std::unique_ptr<faults::FaultRuleSet> faults;
  std::shared_ptr<http::KusciaRouter> router;
  std::unique_ptr<transport::HttpServer> server;
  std::atomic<transport::ProtocolMode> mode{transport::ProtocolMode::kMtls};  // follows live switches
  std::unique_ptr<control::ControlPlane> control;
  std::unique_ptr<transport::HttpServer> admin;
};

Result<std::unique_ptr<MockServer>> MockServer::Start(const MockServerOptions& options) {
  if (options.certs_dir.empty()) {
    return InvalidArgument("a certificate directory is needed (--certs DIR); it is created and filled if empty");
  }
  certs::KusciaDirPaths paths = certs::KusciaPathsIn(options.certs_dir);
  if (!certs::HasKusciaFiles(options.certs_dir)) {
    certs::KusciaDirOptions generate;
    generate.dir = options.certs_dir;
    Result<certs::KusciaDirPaths> written = certs::WriteKusciaDir(generate);
    if (!written.ok()) return written.status().WithContext("generating certificates in " + options.certs_dir.string());
  }
  KC_ASSIGN_OR_RETURN(certs::KusciaMaterial material, certs::ReadKusciaMaterial(paths));

  std::optional<control::AdminListenOptions> admin_listen;
  if (options.admin) {
    KC_ASSIGN_OR_RETURN(admin_listen, control::ParseAdminAddress(*options.admin));
    admin_listen->has_token = options.admin_token.has_value();
    KC_RETURN_IF_ERROR(control::CheckAdminExposure(*admin_listen));
  }

  auto parts = std::make_unique<Parts>();
  parts->options = options;
  parts->mode = options.mode;
  parts->advertised_host = options.host == "0.0.0.0" || options.host == "::" ? "127.0.0.1" : options.host;

  engine::EngineOptions engine_options;
  engine_options.task_duration = options.task_duration;
  if (options.clock == ClockKind::kManual) {
    parts->manual_clock = std::make_shared<engine::ManualClock>(std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now()));
    engine_options.clock = parts->manual_clock;
  }
  engine_options.own_domain = options.node.own_domain;
  engine_options.domains = {};  // the state below registers them
  parts->store = std::make_unique<store::DataStore>();
  parts->engine = std::make_unique<engine::Engine>(engine_options);
  parts->data = std::make_unique<services::DataServices>(*parts->store, *parts->engine, options.node, material.ca_cert);
  parts->starting_state_source = "the built-in state";
  if (options.state_file.empty()) {
    parts->starting_state = services::DefaultState(options.node, parts->engine->clock()->Now());
  } else {
    KC_ASSIGN_OR_RETURN(parts->starting_state, services::ReadStateFile(options.state_file));
    parts->starting_state_source = options.state_file.string();
  }
  KC_RETURN_IF_ERROR(services::ApplyState(parts->starting_state, parts->starting_state_source, *parts->store,
                                          *parts->engine, options.node));
  parts->jobs = std::make_unique<services::JobService>(*parts->engine);
  parts->health = std::make_unique<services::HealthService>();
  parts->watch = std::make_unique<EngineWatchSource>(*parts->engine);
  if (options.request_log != nullptr) parts->log = std::make_unique<http::RequestLog>(options.request_log);

  http::RouterOptions router_options;
  router_options.mode = options.mode;
  router_options.token = material.token;
  router_options.heartbeat = options.heartbeat;
  router_options.hostname = LocalHostName();
  router_options.master = options.node.mode == services::NodeMode::kMaster;
  parts->router = std::make_shared<http::KusciaRouter>(router_options,
                                                       BindMethods(*parts->jobs, *parts->health, *parts->data),
                                                       parts->watch.get(), parts->log.get());
  // Status polling is the hot route: answered from the engine's cached encodings when it succeeds.
  parts->router->SetEncodedMethod("/api/v1/job/status/batchQuery", [jobs = parts->jobs.get()](const auto& request) {
    return jobs->EncodedBatchQueryJobStatus(request);
  });

  parts->journal = std::make_unique<journal::RequestJournal>(options.journal_size);
  parts->handshakes = std::make_unique<journal::HandshakeLog>();
  parts->faults = std::make_unique<faults::FaultRuleSet>();
  parts->router->AttachControl({parts->journal.get(), parts->faults.get()});

  transport::ServerOptions server_options;
  server_options.on_handshake_failure = [log = parts->handshakes.get()](const transport::HandshakeFailure& failure) {
    log->Record(failure);
  };
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.mode = options.mode;
  server_options.tls = transport::TlsMaterial{material.ca_cert, material.server_cert, material.server_key};
  server_options.threads = options.threads;
  server_options.own_tls13_record_layer = options.own_tls13_record_layer;
  Result<std::unique_ptr<transport::HttpServer>> server = transport::HttpServer::Start(server_options, parts->router);
  if (!server.ok()) return server.status();
  parts->server = std::move(server).value();

  control::ControlTargets targets;
  targets.engine = parts->engine.get();
  targets.manual_clock = parts->manual_clock.get();
  targets.router = parts->router.get();
  targets.journal = parts->journal.get();
  targets.handshakes = parts->handshakes.get();
  targets.faults = parts->faults.get();
  targets.certs_dir = options.certs_dir;
  targets.material = material;
  targets.mode = options.mode;
  targets.on_mode_changed = [raw = parts.get()](transport::ProtocolMode mode) { raw->mode = mode; };
  parts->control = std::make_unique<control::ControlPlane>(std::move(targets));
  parts->control->SetApiServer(parts->server.get());
  // Reset returns to the starting state: no job, domain or data object created since survives, and the
  // starting state (built-in or --state FILE) is applied again.
  parts->control->AddResetHook("state", [raw = parts.get()] {
    for (const engine::JobRecord& record : raw->engine->ExportJobs()) {
      Status deleted = raw->engine->DeleteJob(record.spec.job_id);
      if (!deleted.ok() && deleted.code() != StatusCode::kNotFound) return deleted;
    }
    for (const std::string& domain : raw->engine->Domains()) raw->engine->RemoveDomain(domain);
    raw->store->Clear();
    return services::ApplyState(raw->starting_state, raw->starting_state_source, *raw->store, *raw->engine,
                                raw->options.node);
  });
  if (admin_listen) {
    auto handler = std::make_shared<control::AdminHandler>(*parts->control, options.admin_token);
    KC_ASSIGN_OR_RETURN(parts->admin, control::StartAdminListener(*admin_listen, std::move(handler)));
  }
  return std::unique_ptr<MockServer>(new MockServer(std::move(parts)));
}

MockServer::MockServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

MockServer::~MockServer() { Stop(); }

void MockServer::Stop() {
  // The admin listener first (its waits hold journal callbacks), then the API connections: their watch
  // streams hold engine subscriptions.
  if (parts_->admin) parts_->admin->Stop();
  if (parts_->server) parts_->server->Stop();
  if (parts_->log) parts_->log->Flush();
}

uint16_t MockServer::port() const { return parts_->server->port(); }

std::string MockServer::base_url() const {
  std::string scheme = parts_->mode.load() == transport::ProtocolMode::kNoTls ? "http" : "https";
  std::string host = parts_->advertised_host.find(':') != std::string::npos ? "[" + parts_->advertised_host + "]"
                                                                             : parts_->advertised_host;
  return scheme + "://" + host + ":" + std::to_string(port());
}

std::string MockServer::HealthCurlCommand() const {
  const std::string dir = parts_->options.certs_dir.string();
  std::string command = "curl";
  switch (parts_->mode.load()) {
    case transport::ProtocolMode::kMtls:
      command += " --cacert " + dir + "/ca.crt --cert " + dir + "/kusciaapi-server.crt --key " + dir +
                 "/kusciaapi-server.key -H \"Token: $(cat " + dir + "/token)\"";
      break;
    case transport::ProtocolMode::kTls:
      command += " --cacert " + dir + "/ca.crt -H \"Token: $(cat " + dir + "/token)\"";
      break;
    case transport::ProtocolMode::kNoTls:
      break;
  }
  return command + " -H 'Content-Type: application/json' -X POST " + base_url() + "/healthZ -d '{}'";
}

const std::filesystem::path& MockServer::certs_dir() const { return parts_->options.certs_dir; }

engine::Engine& MockServer::engine() { return *parts_->engine; }

control::ControlPlane& MockServer::control() { return *parts_->control; }

std::string MockServer::admin_url() const {
  if (!parts_->admin) return "";
  std::string host = parts_->admin->host();
  if (host == "0.0.0.0" || host == "::") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(parts_->admin->port());
}

store::DataStore& MockServer::store() { return *parts_->store; }

Status MockServer::SaveState(const std::filesystem::path& path) const {
  return services::WriteStateFile(path, services::CaptureState(*parts_->store, *parts_->engine));
}

engine::ManualClock* MockServer::manual_clock() { return parts_->manual_clock.get(); }

}  // namespace kuscia::mock
