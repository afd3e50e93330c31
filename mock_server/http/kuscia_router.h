// KusciaRouter: the Kuscia API's HTTP front end as a client sees it, on top of the transport.
//
// For each request, in the order the real server applies them (reference §1.4–§2.4, §5.1.10):
// ServeMux path cleaning (301) -> gin route lookup with trailing-slash redirect (307/301, no token needed)
// -> probe routes (no token) -> token middleware (401, empty body, also before a 404) -> 404 for unknown
// paths and non-POST methods -> Content-Type rules and decoding (HTTP 200 + 11101 on failure) -> the
// service -> proto-JSON encoding. Watch requests become a chunked stream of Go-encoded events. With the
// control plane attached, a fired fault rule then shapes the answer and the request journal gets the entry
// just before the answer's last byte (docs/control-plane.md).
//
//   auto router = std::make_shared<KusciaRouter>(options, std::move(methods), &watch_source, &log);
//   router->SetEncodedMethod("/api/v1/job/status/batchQuery", encoded_batch_query);  // optional fast path
//   HttpServer::Start(server_options, router);
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/envelope.h"
#include "api/message_schema.h"
#include "api/routes.h"
#include "mock_server/faults/delivery.h"
#include "mock_server/faults/fault_rule.h"
#include "mock_server/http/request_log.h"
#include "mock_server/journal/request_journal.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock::http {

// A unary Kuscia method: canonical request message in, canonical response message out (docs/design.md).
using UnaryMethod = std::function<nlohmann::ordered_json(const nlohmann::ordered_json& request)>;

// An optional fast path beside a route's UnaryMethod, for hot routes whose answer can be joined from cached
// bytes: the same answer, already encoded as the response message. Nullopt hands the request to the
// UnaryMethod, so errors and uncommon cases are answered in one place only.
using EncodedUnaryMethod =
    std::function<std::optional<api::EncodedResponse>(const nlohmann::ordered_json& request)>;

// One change seen by WatchJob: type 0 ADDED, 1 MODIFIED, 2 DELETED; `job_status` is a canonical JobStatus.
struct WatchEvent {
  int type = 0;
  nlohmann::ordered_json job_status;
};

// Where watch streams get their events. Subscribe first delivers every existing job as ADDED, then each
// change, in order, until the returned handle is released. `on_event` must not block.
class WatchSource {
 public:
  virtual ~WatchSource() = default;
  virtual std::shared_ptr<void> Subscribe(std::function<void(const WatchEvent&)> on_event) = 0;
};

struct RouterOptions {
  transport::ProtocolMode mode = transport::ProtocolMode::kMtls;
  std::string token;                                  // the token file's exact bytes; unused in notls mode
  std::chrono::milliseconds heartbeat{10000};         // WatchJob sends {"type":4} after this much silence
  std::string hostname = "kuscia-mock";
  std::string version = "kuscia-mock";
  bool master = true;  // a master refuses task log queries (11105, reference §5.8 Log)
};

// The control plane's hooks on the request path (docs/control-plane.md); each may be null.
struct ControlHooks {
  journal::RequestJournal* journal = nullptr;  // every request, committed before its answer's last byte
  faults::FaultRuleSet* faults = nullptr;      // asked once per request; the fault that fires shapes the answer
};

class KusciaRouter : public transport::RequestHandler {
 public:
  // `methods` maps HTTP paths of api/routes to their implementations; a route without one answers that the
  // fake does not implement it. `watch` and `log` may be null (no watch streams; no request log).
  KusciaRouter(RouterOptions options, std::unordered_map<std::string, UnaryMethod> methods, WatchSource* watch,
               RequestLog* log);

  void Handle(transport::HttpRequest request, std::shared_ptr<transport::ResponseWriter> writer) override;

  // Live credential changes (control plane): later requests use the new token or mode.
  void SetToken(std::string token);
  void SetMode(transport::ProtocolMode mode);
  // Call before the server starts; the hooks must outlive the transport.
  void AttachControl(ControlHooks hooks) { control_ = hooks; }
  // Call before the server starts. Ignored unless `path` has a UnaryMethod (the fallback is required).
  void SetEncodedMethod(std::string_view path, EncodedUnaryMethod method);

 private:
  // What serves one unary route, with its messages' schemas looked up once rather than per request.
  struct UnaryRoute {
    const api::MessageSchema* request_schema = nullptr;
    const api::MessageSchema* response_schema = nullptr;
    UnaryMethod method;
    EncodedUnaryMethod encoded;  // may be empty
  };

  transport::HttpResponse Route(const transport::HttpRequest& request, std::shared_ptr<transport::ResponseWriter>& writer,
                                bool& streamed, std::optional<int>& api_code, const faults::WatchFaults& watch_faults);
  transport::HttpResponse Probe(std::string_view path) const;
  transport::HttpResponse CallUnary(const transport::HttpRequest& request, const UnaryRoute& unary,
                                    std::optional<int>& api_code) const;
  transport::HttpResponse StartWatch(const transport::HttpRequest& request,
                                     std::shared_ptr<transport::ResponseWriter>& writer, bool& streamed,
                                     const faults::WatchFaults& watch_faults);
  // Moves the request's parts into a journal entry (token values replaced by whether they matched).
  journal::JournalEntry TakeJournalEntry(transport::HttpRequest& request,
                                         std::chrono::system_clock::time_point arrived) const;
  bool TokenRequired() const;

  RouterOptions options_;
  std::unordered_map<const api::RouteInfo*, UnaryRoute> unary_routes_;  // keyed by api::FindRoute's answer
  WatchSource* watch_;
  RequestLog* log_;
  ControlHooks control_;
  std::atomic<std::shared_ptr<const std::string>> token_;
  std::atomic<transport::ProtocolMode> mode_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace kuscia::mock::http
