// What a fired fault does to one answer on the wire. Unary answers go through Deliver; watch streams take
// their faults as WatchFaults (the router's stream applies them). Nothing here blocks: pauses and
// dribbles run on the connection's own loop through ResponseWriter::RunAfter, so other connections are
// never held up.
//
//   std::optional<FiredFault> fault = rules.Decide(facts);
//   if (fault) Deliver(*fault, std::move(response), api_code, request.http_minor_version, writer,
//                      [&](const DeliveryReport& r) { CommitToJournal(r); });
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "mock_server/faults/fault_rule.h"
#include "mock_server/transport/http_server.h"

namespace kuscia::mock::faults {

// What the client is shown: the HTTP status of the status line that went out (0 when none did) and the
// body's status.code (after an api_status rewrite).
struct DeliveryReport {
  int http_status = 0;
  std::optional<int> api_code{};
};

// Runs exactly once per delivery, before the last byte of the answer is written, so a journal waiter it
// wakes never races the client. A client that leaves during a delay gets a report with http_status 0.
using CommitFn = std::function<void(const DeliveryReport&)>;

// Sends `response` (whose body carried `api_code`) through `writer`, changed by `fault`. `http_minor` is
// the request's HTTP minor version, for the raw heads the connection-level faults write themselves.
void Deliver(const FiredFault& fault, transport::HttpResponse response, std::optional<int> api_code, int http_minor,
             std::shared_ptr<transport::ResponseWriter> writer, CommitFn commit);

// The stream faults, as the watch stream applies them.
struct WatchFaults {
  std::optional<int> cut_after_events{};  // FIN without the final chunk after this many events
  bool no_heartbeats = false;
  bool duplicate_events = false;
};
WatchFaults WatchFaultsOf(const std::optional<FiredFault>& fault);

}  // namespace kuscia::mock::faults
