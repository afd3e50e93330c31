#include "mock_server/http/kuscia_router.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>

#include "api/error_codes.h"
#include "api/envelope.h"
#include "api/json_codec.h"
#include "api/message_schema.h"
#include "api/routes.h"
#include "mock_server/http/gin_quirks.h"

namespace kuscia::mock::http {
namespace {

using transport::HttpRequest;
using transport::HttpResponse;
using transport::ResponseWriter;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kHeartbeatEvent = R"({"type":4})";
constexpr std::string_view kWatchEventMessage = "WatchJobEventResponse";
constexpr std::string_view kWatchRequestMessage = "WatchJobRequest";
constexpr int64_t kMaxWatchTimeoutSeconds = std::numeric_limits<int32_t>::max();

std::string_view EventTypeName(int type) {
  switch (type) {
    case 0: return "ADDED";
    case 1: return "MODIFIED";
    case 2: return "DELETED";
    case 3: return "ERROR";
    default: return "HEARTBEAT";
  }
}

HttpResponse JsonResponse(std::string body, std::string_view content_type = kJsonContentType) {
  HttpResponse response;
  response.headers.emplace_back("Content-Type", std::string(content_type));
  response.body = std::move(body);
  return response;
}

HttpResponse EmptyResponse(int status) {
  HttpResponse response;
  response.status = status;
  return response;
}

// Go's time.Duration.String() for the probe's Uptime field, e.g. "1m2.5s" or "350ms".
std::string GoDurationString(std::chrono::nanoseconds d) {
  int64_t ns = d.count();
  if (ns < 1000) return std::to_string(ns) + "ns";
  if (ns < 1000000) return std::to_string(ns / 1000) + "." + std::to_string(ns % 1000) + "µs";
  char buffer[64];
  if (ns < 1000000000) {
    std::snprintf(buffer, sizeof buffer, "%.6gms", static_cast<double>(ns) / 1e6);
    return buffer;
  }
  int64_t hours = ns / 3600000000000LL;
  int64_t minutes = (ns / 60000000000LL) % 60;
  double seconds = static_cast<double>(ns % 60000000000LL) / 1e9;
  std::string out;
  if (hours) out += std::to_string(hours) + "h";
  if (hours || minutes) out += std::to_string(minutes) + "m";
  std::snprintf(buffer, sizeof buffer, "%.9g", seconds);
  return out + buffer + "s";
}

// Holds one WatchJob stream: its subscription, heartbeat and timeout timers.
class WatchStream : public std::enable_shared_from_this<WatchStream> {
 public:
  WatchStream(std::shared_ptr<ResponseWriter> writer, std::chrono::milliseconds heartbeat,
              faults::WatchFaults faults)
      : writer_(std::move(writer)), heartbeat_(heartbeat), faults_(faults) {}

  void Start(WatchSource& source, int64_t timeout_seconds) {
    keep_alive_ = shared_from_this();  // released by Close(): the stream lives as long as the connection wants it
    std::weak_ptr<WatchStream> weak = weak_from_this();
    writer_->OnClose([weak] {
      if (auto self = weak.lock()) self->Close();
    });
    if (faults_.cut_after_events == 0) {
      Cut();
      return;
    }
    std::shared_ptr<void> subscription = source.Subscribe([weak](const WatchEvent& event) {
      if (auto self = weak.lock()) self->Emit(event);
    });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (closed_) return;  // the client left during the initial burst; dropping the handle unsubscribes
      subscription_ = std::move(subscription);
    }
    // A keep_alive_ set before the writer reported a close must not outlive it.
    if (writer_->IsClosed()) Close();
    if (!faults_.no_heartbeats) ScheduleHeartbeat(heartbeat_);
    if (timeout_seconds > 0) {
      writer_->RunAfter(std::chrono::seconds(timeout_seconds), [weak] {
        if (auto self = weak.lock()) self->Finish();
      });
    }
  }

 private:
  // Called in order, one at a time, from the source (under the engine's lock: never unsubscribe here).
  void Emit(const WatchEvent& event) {
    if (cut_.load()) return;
    nlohmann::ordered_json message = {{"type", EventTypeName(event.type)}, {"object", event.job_status}};
    std::string chunk = api::EncodeGoJson(kWatchEventMessage, message);
    if (faults_.duplicate_events) Write(chunk);
    Write(std::move(chunk));
    if (faults_.cut_after_events && ++emitted_ >= *faults_.cut_after_events) Cut();
  }

  // The watch_cut fault: a FIN without the final chunk. OnClose then releases the subscription.
  void Cut() {
    cut_.store(true);
    writer_->Abort(false);
  }

  void Write(std::string chunk) {
    last_write_ns_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    writer_->WriteChunk(std::move(chunk));
  }

  void ScheduleHeartbeat(std::chrono::milliseconds delay) {
    std::weak_ptr<WatchStream> weak = weak_from_this();
    writer_->RunAfter(delay, [weak] {
      if (auto self = weak.lock()) self->OnHeartbeatTimer();
    });
  }

  void OnHeartbeatTimer() {
    if (IsClosed()) return;
    auto last = Clock::time_point(Clock::duration(last_write_ns_.load(std::memory_order_relaxed)));
    auto silence = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last);
    if (silence >= heartbeat_) {
      Write(std::string(kHeartbeatEvent));
      ScheduleHeartbeat(heartbeat_);
    } else {
      ScheduleHeartbeat(heartbeat_ - silence);
    }
  }

  // timeout_seconds elapsed: the Kubernetes watch closes and the stream ends normally.
  void Finish() {
    Close();
    writer_->EndStream();
  }

  void Close() {
    std::shared_ptr<void> released_subscription;
    std::shared_ptr<WatchStream> released_self;
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    released_subscription = std::move(subscription_);
    released_self = std::move(keep_alive_);
  }

  bool IsClosed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

  std::shared_ptr<ResponseWriter> writer_;
  std::chrono::milliseconds heartbeat_;
  faults::WatchFaults faults_;
  std::atomic<bool> cut_{false};
  int emitted_ = 0;
  std::atomic<Clock::rep> last_write_ns_{Clock::now().time_since_epoch().count()};
  std::mutex mutex_;
  bool closed_ = false;
  std::shared_ptr<void> subscription_;
  std::shared_ptr<WatchStream> keep_alive_;
};

}  // namespace

KusciaRouter::KusciaRouter(RouterOptions options, std::unordered_map<std::string, UnaryMethod> methods,
                           WatchSource* watch, RequestLog* log)
    : options_(std::move(options)),
      watch_(watch),
      log_(log),
      token_(std::make_shared<const std::string>(options_.token)),
      mode_(options_.mode),
      started_(Clock::now()) {
  for (auto& [path, method] : methods) {
    const api::RouteInfo* route = api::FindRoute(path);
    if (route == nullptr) continue;  // never routed to: requests only reach paths of api/routes
    const api::MessageSchema* request_schema = api::FindMessage(route->request_message);
    const api::MessageSchema* response_schema = api::FindMessage(route->response_message);
    assert(request_schema != nullptr && response_schema != nullptr &&
           "every route's messages are described (api_contract test)");
    if (request_schema == nullptr || response_schema == nullptr) continue;
    unary_routes_[route] = UnaryRoute{request_schema, response_schema, std::move(method), nullptr};
  }
}

void KusciaRouter::SetEncodedMethod(std::string_view path, EncodedUnaryMethod method) {
  auto found = unary_routes_.find(api::FindRoute(path));
  if (found != unary_routes_.end()) found->second.encoded = std::move(method);
}

void KusciaRouter::SetToken(std::string token) { token_.store(std::make_shared<const std::string>(std::move(token))); }

void KusciaRouter::SetMode(transport::ProtocolMode mode) { mode_.store(mode); }

// NOTLS switches the token check off together with TLS (reference §1.2).
bool KusciaRouter::TokenRequired() const { return mode_.load() != transport::ProtocolMode::kNoTls; }

void KusciaRouter::Handle(HttpRequest request, std::shared_ptr<ResponseWriter> writer) {
  auto started = Clock::now();
  auto arrived = control_.journal ? std::chrono::system_clock::now() : std::chrono::system_clock::time_point();
  std::optional<faults::FiredFault> fault;
  bool stream_route = false;
  if (control_.faults != nullptr && control_.faults->active()) {
    const api::RouteInfo* route = request.method == "POST" ? api::FindRoute(request.path) : nullptr;
    stream_route = route != nullptr && route->streaming;
    fault = control_.faults->Decide({request.method, request.path, stream_route, request.body});
  }
  bool streamed = false;
  std::optional<int> api_code;
  // A stream that is to be reset never starts; every other request is served, then its answer is faulted
  // (the work is done, the client just does not see the answer: what a retry check needs).
  bool reset_unstarted_stream = fault && stream_route && fault->kind == faults::FaultKind::kResetBeforeResponse;
  HttpResponse response = reset_unstarted_stream
                              ? HttpResponse{}
                              : Route(request, writer, streamed, api_code, faults::WatchFaultsOf(fault));
  int status = streamed ? 200 : response.status;
  auto elapsed = Clock::now() - started;
  if (log_) {
    double ms = std::chrono::duration<double, std::milli>(elapsed).count();
    log_->Record(request.method, request.path, status, api_code, ms);
  }
  journal::RequestJournal* journal = control_.journal;
  if (streamed || !fault) {
    if (journal != nullptr) {
      journal::JournalEntry entry = TakeJournalEntry(request, arrived);
      entry.http_status = status;
      entry.api_code = api_code;
      entry.duration = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
      entry.stream = streamed;
      if (fault) {
        entry.fault_rule = fault->rule_id;
        entry.fault_kind = faults::FaultKindName(fault->kind);
      }
      journal->Commit(std::move(entry));
    }
    if (!streamed) writer->Send(std::move(response));
    return;
  }
  // The fault decides what the client is shown, and when; the journal learns it just before it is sent.
  faults::CommitFn commit = [](const faults::DeliveryReport&) {};
  if (journal != nullptr) {
    auto entry = std::make_shared<journal::JournalEntry>(TakeJournalEntry(request, arrived));
    entry->fault_rule = fault->rule_id;
    entry->fault_kind = faults::FaultKindName(fault->kind);
    commit = [journal, entry, started](const faults::DeliveryReport& report) {
      entry->http_status = report.http_status;
      entry->api_code = report.api_code;
      entry->duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
      journal->Commit(std::move(*entry));
    };
  }
  faults::Deliver(*fault, std::move(response), api_code, request.http_minor_version, std::move(writer),
                  std::move(commit));
}

journal::JournalEntry KusciaRouter::TakeJournalEntry(HttpRequest& request,
                                                     std::chrono::system_clock::time_point arrived) const {
  journal::JournalEntry entry;
  entry.time = arrived;
  std::optional<std::string_view> first_token = request.Header("Token");
  std::shared_ptr<const std::string> token = token_.load();
  if (first_token) {
    entry.token = TokenAccepted(first_token, *token) ? journal::TokenSeen::kMatched : journal::TokenSeen::kMismatched;
  }
  entry.method = std::move(request.method);
  entry.path = std::move(request.path);
  entry.query = std::move(request.query);
  entry.headers = std::move(request.headers);
  for (auto& [name, value] : entry.headers) {
    bool is_token = name.size() == 5 && std::equal(name.begin(), name.end(), "token", [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) == b;
                    });
    if (is_token) {
      value = TokenAccepted(std::string_view(value), *token) ? "<matched>" : "<mismatched>";
    }
  }
  entry.body_size = request.body.size();
  if (request.body.size() <= control_.journal->body_cap()) {
    entry.body = std::move(request.body);
  } else {
    entry.body.assign(request.body, 0, control_.journal->body_cap());
  }
  entry.connection = std::move(request.connection);
  return entry;
}

HttpResponse KusciaRouter::Route(const HttpRequest& request, std::shared_ptr<ResponseWriter>& writer, bool& streamed,
                                 std::optional<int>& api_code, const faults::WatchFaults& watch_faults) {
  const std::string& method = request.method;
  const std::string& path = request.path;
  std::string query_suffix = request.query.empty() ? "" : "?" + request.query;

  if (method != "CONNECT") {
    if (std::optional<std::string> clean = CleanPathRedirectTarget(path)) {
      return Redirect(301, method, *clean + query_suffix);
    }
  }

  const bool is_probe = method == "GET" && (path == "/probe" || path == "/version");
  if (is_probe) return Probe(path);

  const api::RouteInfo* route = method == "POST" ? api::FindRoute(path) : nullptr;
  if (route == nullptr) {
    if (path.size() > 1 && path.back() == '/') {
      std::string trimmed = path.substr(0, path.size() - 1);
      bool twin_exists = method == "POST" ? api::FindRoute(trimmed) != nullptr
                                          : method == "GET" && (trimmed == "/probe" || trimmed == "/version");
      if (twin_exists) return TrailingSlashRedirect(method, trimmed + query_suffix);
    }
    // gin runs the global middleware (the token check) for unmatched requests too, so 401 beats 404.
    if (TokenRequired() && !TokenAccepted(request.Header("Token"), *token_.load())) return Unauthorized();
    return NotFound();
  }

  if (TokenRequired() && !TokenAccepted(request.Header("Token"), *token_.load())) return Unauthorized();

  if (route->streaming) {
    if (route->path == "/api/v1/job/watch") return StartWatch(request, writer, streamed, watch_faults);
    if (route->path == "/api/v1/log/task/query" && options_.master) {
      // The log stream binds like the watch (a bind error is 400, empty), then a master's log service
      // refuses; the refusal is one encoding/json object, so `details` is omitted.
      if (!nlohmann::json::parse(request.body, nullptr, false).is_object()) return EmptyResponse(400);
      api_code = api::kErrMasterAPINotSupport;
      HttpResponse refused;
      refused.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
      refused.headers.emplace_back("Cache-Control", "no-cache");
      refused.body = R"({"status":{"code":11105,"message":"kuscia master api not support this interface now"}})";
      return refused;
    }
    api_code = 11101;
    return JsonResponse(api::FrameworkErrorBody("kuscia-mock does not implement the stream " + route->path));
  }

  auto found = unary_routes_.find(route);
  if (found == unary_routes_.end()) {
    api_code = 11101;
    return JsonResponse(api::FrameworkErrorBody("kuscia-mock does not implement " + route->path +
                                                " (only the services listed in docs/mock-server.md)"));
  }
  return CallUnary(request, found->second, api_code);
}

HttpResponse KusciaRouter::Probe(std::string_view path) const {
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  if (path == "/version") {
    response.body = options_.version;
  } else {
    response.body = "ServiceName: KusciaAPI, Host: " + options_.hostname + ", Version: " + options_.version +
                    ", Uptime: " + GoDurationString(Clock::now() - started_);
  }
  return response;
}

HttpResponse KusciaRouter::CallUnary(const HttpRequest& request, const UnaryRoute& unary,
                                     std::optional<int>& api_code) const {
  nlohmann::ordered_json canonical_request;
  switch (ClassifyContentType(request.Header("Content-Type"))) {
    case BodyDecoder::kProtobuf:
      // The real server labels even its JSON error bodies application/x-protobuf on this path (§2.4).
      api_code = 11101;
      return JsonResponse(api::FrameworkErrorBody("kuscia-mock does not decode application/x-protobuf bodies yet; "
                                                  "send JSON with Content-Type: application/json"),
                          "application/x-protobuf");
    case BodyDecoder::kOtherMime:
      // gin's form/XML/YAML binders leave a proto request empty; the service's validation then answers.
      canonical_request = api::Canonicalize(*unary.request_schema, nlohmann::ordered_json::object());
      break;
    case BodyDecoder::kJsonProto: {
      Result<nlohmann::ordered_json> decoded = api::DecodeJsonRequest(request.body, *unary.request_schema);
      if (!decoded.ok()) {
        api_code = 11101;
        return JsonResponse(api::FrameworkErrorBody(decoded.status().message()));
      }
      canonical_request = std::move(decoded).value();
      break;
    }
  }
  nlohmann::ordered_json response;
  try {
    if (unary.encoded) {
      if (std::optional<api::EncodedResponse> encoded = unary.encoded(canonical_request)) {
        api_code = encoded->code;
        return JsonResponse(std::move(encoded->body));
      }
    }
    response = unary.method(canonical_request);
  } catch (const std::exception& e) {
    // The decorator recovers a handler panic into an 11101 framework error (§2.2).
    api_code = 11101;
    return JsonResponse(api::FrameworkErrorBody(std::string("doBizProcess panic, err: ") + e.what()));
  }
  const auto& status = response["status"];
  if (status.is_object() && status.contains("code") && status["code"].is_number_integer()) {
    api_code = status["code"].get<int>();
  }
  return JsonResponse(api::EncodeProtoJson(*unary.response_schema, response));
}

HttpResponse KusciaRouter::StartWatch(const HttpRequest& request, std::shared_ptr<ResponseWriter>& writer,
                                      bool& streamed, const faults::WatchFaults& watch_faults) {
  // The watch handler binds with gin's ShouldBind, not the proto decorator (§2.2, §5.1.10).
  nlohmann::ordered_json watch_request;
  std::optional<std::string_view> content_type = request.Header("Content-Type");
  std::string_view mime = content_type.value_or("");
  mime = mime.substr(0, mime.find_first_of("; "));
  if (mime == "application/json") {
    Result<nlohmann::ordered_json> decoded = api::DecodeGoJsonRequest(request.body, kWatchRequestMessage);
    if (!decoded.ok()) return EmptyResponse(400);
    watch_request = std::move(decoded).value();
  } else {
    watch_request = api::Canonicalize(kWatchRequestMessage, nlohmann::ordered_json::object());
  }
  int64_t timeout_seconds = watch_request.value("timeout_seconds", int64_t{0});
  if (timeout_seconds < 0 || timeout_seconds > kMaxWatchTimeoutSeconds || watch_ == nullptr) {
    // An out-of-range timeout is only logged by the real server; the client sees 200 and an empty body.
    HttpResponse response = EmptyResponse(200);
    response.headers.emplace_back("Content-Type", std::string(kJsonContentType));
    return response;
  }
  writer->StartStream(200, {{"Content-Type", std::string(kJsonContentType)}});
  streamed = true;
  auto stream = std::make_shared<WatchStream>(writer, options_.heartbeat, watch_faults);
  stream->Start(*watch_, timeout_seconds);
  return HttpResponse{};
}

}  // namespace kuscia::mock::http
