// Telling a rejected client certificate from a plain connection cut, when the request itself could not.
//
// Under TLS 1.3 the server judges our certificate after our side of the handshake is done, so its alert
// races our request: if the request reaches the server after it closed, the kernel answers with a reset
// and the alert is lost (curl 55 "getpeername() failed", Python "EOF occurred in violation of protocol").
// The probe repeats only the handshake with the same identity and then reads without sending anything,
// so the alert, if the server sends one, is always seen. It never sends an HTTP request (no retry).
//
//   if (outcome.transport == TransportClass::kConnectionReset) RefineCutWithProbe(request, outcome);
#pragma once

#include "harness/client/client.h"

namespace kuscia::harness {

// ERR reason of the alert the server answers `identity`'s handshake with (0 when it accepts it or does
// not answer within `timeout`).
int ProbeHandshakeAlert(const BaseUrl& url, const ClientIdentity& identity, std::chrono::milliseconds timeout);

// For a TLS request that ended in kConnectionReset: probes, and turns the outcome into
// kTlsClientRejected (saying so in `detail`) when the server rejects the identity.
void RefineCutWithProbe(const ClientRequest& request, Outcome& outcome);

}  // namespace kuscia::harness
