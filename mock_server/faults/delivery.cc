#include "mock_server/faults/delivery.h"

#include <atomic>

#include <nlohmann/json.hpp>

#include "mock_server/transport/response_format.h"

namespace kuscia::mock::faults {
namespace {

using transport::HttpResponse;
using transport::ResponseWriter;

// The pause between the bytes of a reset_mid_response and the RST, so the bytes leave the socket first.
constexpr std::chrono::milliseconds kResetAfterBytes{50};

std::string BodyOf(const HttpResponse& response) {
  return response.shared_body ? *response.shared_body : response.body;
}

// The head the transport would have written for `response`, announcing the whole body, ending with a close.
std::string RawHead(const HttpResponse& response, size_t body_size, int http_minor) {
  std::string head;
  transport::internal::HeadFraming framing;
  if (transport::internal::StatusAllowsBody(response.status)) framing.content_length = body_size;
  framing.close = true;
  transport::internal::AppendResponseHead(head, response.status, http_minor, response.headers, framing);
  return head;
}

size_t PrefixLength(const FaultParams& params, size_t body_size) {
  size_t wanted = params.bytes.value_or(body_size / 2);
  // Sending the whole body would not be a truncation: keep at least one byte back.
  return body_size == 0 ? 0 : std::min(wanted, body_size - 1);
}

// Dribbles a body out one piece per interval on the connection's loop, then closes.
struct Dribble : std::enable_shared_from_this<Dribble> {
  std::shared_ptr<ResponseWriter> writer;
  std::string body;
  size_t offset = 0;
  size_t chunk = 1;
  std::chrono::milliseconds interval{0};

  void Step() {
    size_t n = std::min(chunk, body.size() - offset);
    if (n > 0) writer->WriteRaw(body.substr(offset, n));
    offset += n;
    if (offset >= body.size()) {
      writer->Abort(false);
      return;
    }
    writer->RunAfter(interval, [self = shared_from_this()] { self->Step(); });
  }
};

void SendDelayed(const FiredFault& fault, HttpResponse response, std::optional<int> api_code,
                 std::shared_ptr<ResponseWriter> writer, CommitFn commit) {
  auto committed = std::make_shared<std::atomic<bool>>(false);
  writer->OnClose([committed, commit] {
    if (!committed->exchange(true)) commit({0, std::nullopt});
  });
  int status = response.status;
  writer->RunAfter(fault.delay, [committed, commit, writer, status, api_code,
                                 response = std::move(response)]() mutable {
    if (!committed->exchange(true)) commit({status, api_code});
    writer->Send(std::move(response));
  });
}

std::optional<int> RewriteApiStatus(const FaultParams& params, HttpResponse& response, std::optional<int> api_code) {
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(BodyOf(response), nullptr, false);
  if (!body.is_object() || !body.contains("status") || !body["status"].is_object()) return api_code;
  if (params.api_code) body["status"]["code"] = *params.api_code;
  if (params.api_message) body["status"]["message"] = *params.api_message;
  response.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.shared_body.reset();
  return params.api_code ? params.api_code : api_code;
}

// Removes each pointer's member (an array element by index); pointers that do not resolve are left alone,
// since the same rule may hit answers of different shapes.
void DropFields(const FaultParams& params, HttpResponse& response) {
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(BodyOf(response), nullptr, false);
  if (body.is_discarded()) return;
  for (const std::string& field : params.drop_fields) {
    nlohmann::ordered_json::json_pointer pointer(field);
    if (!body.contains(pointer)) continue;
    nlohmann::ordered_json& parent = body[pointer.parent_pointer()];
    if (parent.is_object()) {
      parent.erase(pointer.back());
    } else if (parent.is_array()) {
      parent.erase(static_cast<size_t>(std::stoul(pointer.back())));
    }
  }
  response.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.shared_body.reset();
}

}  // namespace

void Deliver(const FiredFault& fault, HttpResponse response, std::optional<int> api_code, int http_minor,
             std::shared_ptr<ResponseWriter> writer, CommitFn commit) {
  const FaultParams& params = fault.params;
  switch (fault.kind) {
    case FaultKind::kDelay:
      SendDelayed(fault, std::move(response), api_code, std::move(writer), std::move(commit));
      return;
    case FaultKind::kHttpStatus:
      response.status = params.http_status;
      if (params.body) {
        response.body = *params.body;
        response.shared_body.reset();
        std::erase_if(response.headers,
                      [](const auto& h) { return transport::EqualsIgnoreCase(h.first, "Content-Type"); });
        response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      }
      commit({response.status, params.body ? std::nullopt : api_code});
      writer->Send(std::move(response));
      return;
    case FaultKind::kApiStatus: {
      std::optional<int> shown = RewriteApiStatus(params, response, api_code);
      commit({response.status, shown});
      writer->Send(std::move(response));
      return;
    }
    case FaultKind::kDropFields:
      DropFields(params, response);
      commit({response.status, api_code});
      writer->Send(std::move(response));
      return;
    case FaultKind::kMalformedJson: {
      std::string body = BodyOf(response);
      response.body = body.empty() ? "{" : body.substr(0, body.size() / 2);
      response.shared_body.reset();
      commit({response.status, std::nullopt});
      writer->Send(std::move(response));
      return;
    }
    case FaultKind::kTruncatedBody:
    case FaultKind::kResetMidResponse: {
      std::string body = BodyOf(response);
      std::string bytes = RawHead(response, body.size(), http_minor) + body.substr(0, PrefixLength(params, body.size()));
      commit({response.status, api_code});
      writer->WriteRaw(std::move(bytes));
      if (fault.kind == FaultKind::kTruncatedBody) {
        writer->Abort(false);
      } else {
        writer->RunAfter(kResetAfterBytes, [writer] { writer->Abort(true); });
      }
      return;
    }
    case FaultKind::kCloseAfterHeaders: {
      std::string body = BodyOf(response);
      commit({response.status, std::nullopt});
      writer->WriteRaw(RawHead(response, body.size(), http_minor));
      writer->Abort(false);
      return;
    }
    case FaultKind::kResetBeforeResponse:
      commit({0, std::nullopt});
      writer->Abort(true);
      return;
    case FaultKind::kSlowBody: {
      auto dribble = std::make_shared<Dribble>();
      dribble->body = BodyOf(response);
      dribble->writer = writer;
      dribble->chunk = std::max<size_t>(1, params.chunk_bytes);
      dribble->interval = params.interval;
      commit({response.status, api_code});
      writer->WriteRaw(RawHead(response, dribble->body.size(), http_minor));
      dribble->Step();
      return;
    }
    case FaultKind::kWatchCut:
    case FaultKind::kWatchNoHeartbeats:
    case FaultKind::kWatchDuplicateEvents:
      // Stream kinds never reach a unary answer (FaultRuleSet::Decide); answer unchanged if one does.
      commit({response.status, api_code});
      writer->Send(std::move(response));
      return;
  }
}

WatchFaults WatchFaultsOf(const std::optional<FiredFault>& fault) {
  WatchFaults out;
  if (!fault) return out;
  switch (fault->kind) {
    case FaultKind::kWatchCut: out.cut_after_events = fault->params.events; break;
    case FaultKind::kWatchNoHeartbeats: out.no_heartbeats = true; break;
    case FaultKind::kWatchDuplicateEvents: out.duplicate_events = true; break;
    default: break;
  }
  return out;
}

}  // namespace kuscia::mock::faults
