// Internal to harness/bench: the client pieces the two Asio translation units (load_engine.cc and
// hold_engine.cc) share, defined in load_engine.cc. Only those two files include this header, so Asio
// stays out of the rest of the bench (compile time on two cores).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "api/status.h"
#include "harness/bench/load_plan.h"

namespace kuscia::bench::internal {

// The client SSL_CTX: verifies the server against files.ca_cert, presents the client certificate when
// given, and never resumes a session (every handshake the bench counts is a full one).
Result<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(const TlsFiles& files);

// Expect the server certificate to name the host we dialled (IP SAN or DNS SAN), as Go clients do.
void ExpectPeerName(SSL* ssl_handle, const std::string& host);

// The request bytes: method, route, Host, Token, Content-Type/Length, `Connection: close` unless
// plan.keep_alive, then the body.
std::string BuildRequest(const LoadPlan& plan, std::string_view method, std::string_view route, std::string_view body);

Result<boost::asio::ip::tcp::endpoint> Resolve(const LoadPlan& plan);

}  // namespace kuscia::bench::internal
