// The doctor's live checks against one endpoint: name resolution, TCP connect, what answers on the port
// (Kuscia API over mTLS / TLS / plain HTTP, the Kuscia gateway, a gRPC-only HTTP/2 port, nothing), the
// certificate the endpoint presents (issued by ca.crt, validity, SANs naming the host) and the API itself
// (/healthZ with the token; without a client certificate; with a wrong token).
//
//   CheckEndpoint(endpoint, material, std::chrono::seconds(5), report);
#pragma once

#include <chrono>

#include "harness/doctor/file_checks.h"
#include "harness/doctor/finding.h"
#include "harness/doctor/probe.h"

namespace kuscia::doctor {

// A token no deployment has: what the wrong-token check sends.
inline constexpr char kWrongToken[] = "kuscia-conform-doctor-wrong-token";

void CheckEndpoint(const Endpoint& endpoint, const Material& material, std::chrono::milliseconds timeout,
                   Report& report);

}  // namespace kuscia::doctor
