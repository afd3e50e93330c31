#include "harness/client/builtin_client.h"

#include <httplib.h>
#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "harness/client/tls_probe.h"
#include "harness/client/transport_mapping.h"

namespace kuscia::harness {
namespace {

BuiltinFailure FromHttplib(httplib::Error error) {
  switch (error) {
    case httplib::Error::Success: return BuiltinFailure::kNone;
    case httplib::Error::Connection: return BuiltinFailure::kConnection;
    case httplib::Error::ConnectionTimeout: return BuiltinFailure::kConnectionTimeout;
    case httplib::Error::Read: return BuiltinFailure::kRead;
    case httplib::Error::Write: return BuiltinFailure::kWrite;
    case httplib::Error::SSLConnection: return BuiltinFailure::kSslConnection;
    case httplib::Error::SSLLoadingCerts: return BuiltinFailure::kSslLoadingCerts;
    case httplib::Error::SSLServerVerification: return BuiltinFailure::kSslServerVerification;
    default: return BuiltinFailure::kOther;
  }
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// httplib reports an unloadable client certificate only as an invalid client; say which file is at fault.
std::string DescribeIdentityProblem(const ClientIdentity& id) {
  for (const auto& file : {id.client_cert, id.client_key, id.ca_cert}) {
    if (file && !std::filesystem::exists(*file)) return "cannot read " + file->string() + ": no such file";
  }
  return "the client certificate and key could not be loaded together (unreadable, malformed, or the key "
         "does not belong to the certificate)";
}

// The first SSL-library reason on this thread's error queue (httplib leaves it there); drains the queue.
int FirstSslReason() {
  int reason = 0;
  while (unsigned long e = ERR_get_error()) {
    if (reason == 0 && ERR_GET_LIB(e) == ERR_LIB_SSL) reason = ERR_GET_REASON(e);
  }
  return reason;
}

}  // namespace

Result<Outcome> BuiltinClient::Send(const ClientRequest& request) {
  KC_ASSIGN_OR_RETURN(BaseUrl url, ParseBaseUrl(request.base_url));
  IgnoreSigpipe();
  const ClientIdentity& id = request.identity;
  Outcome outcome;
  auto started = std::chrono::steady_clock::now();
  auto finish = [&](BuiltinFacts facts, std::string detail) {
    outcome.transport = ClassifyBuiltin(facts);
    outcome.detail = std::move(detail);
    outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return outcome;
  };

  Result<std::optional<std::string>> token = id.TokenValue();
  if (!token.ok()) return finish({.failure = BuiltinFailure::kClientIdentityInvalid}, token.status().message());

  std::unique_ptr<httplib::ClientImpl> client;
  if (url.scheme == "https") {
    if (id.ca_cert && !std::filesystem::exists(*id.ca_cert)) {
      return finish({.failure = BuiltinFailure::kSslLoadingCerts}, "cannot read CA file " + id.ca_cert->string());
    }
    std::unique_ptr<httplib::SSLClient> ssl;
    if (id.client_cert || id.client_key) {
      ssl = std::make_unique<httplib::SSLClient>(url.host, url.port, id.client_cert.value_or("").string(),
                                                 id.client_key.value_or("").string());
    } else {
      ssl = std::make_unique<httplib::SSLClient>(url.host, url.port);
    }
    ERR_clear_error();
    if (!ssl->is_valid()) {
      return finish({.failure = BuiltinFailure::kClientIdentityInvalid}, DescribeIdentityProblem(id));
    }
    if (id.ca_cert) ssl->set_ca_cert_path(id.ca_cert->string());
    ssl->enable_server_certificate_verification(id.verify_server);
    client = std::move(ssl);
  } else {
    client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
  }
  client->set_keep_alive(false);
  client->set_follow_location(false);
  client->set_connection_timeout(request.timeout);
  client->set_read_timeout(request.timeout);
  client->set_write_timeout(request.timeout);

  httplib::Request http_request;
  http_request.method = request.method;
  http_request.path = request.path;
  for (const auto& [name, value] : request.headers) http_request.headers.emplace(name, value);
  if (*token) http_request.headers.emplace("Token", **token);
  if (request.body) http_request.body = *request.body;

  ERR_clear_error();
  httplib::Result result = client->send(http_request);
  BuiltinFacts facts;
  facts.failure = FromHttplib(result.error());
  facts.ssl_reason = FirstSslReason();
  auto* ssl = dynamic_cast<httplib::SSLClient*>(client.get());
  // With verification off OpenSSL still records the verdict; it must not explain a failure then.
  if (ssl && id.verify_server) facts.verify_result = ssl->get_openssl_verify_result();
  facts.deadline_passed = std::chrono::steady_clock::now() - started >= request.timeout;
  if (result) {
    outcome.http_status = result->status;
    outcome.body = result->body;
    for (const auto& [name, value] : result->headers) outcome.headers.emplace_back(Lower(name), value);
    outcome.api_code = ExtractApiCode(outcome.body);
    return finish({}, "");
  }
  std::string detail = httplib::to_string(result.error());
  if (facts.ssl_reason != 0) {
    const char* reason = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, facts.ssl_reason));
    if (reason) detail += std::string(" (") + reason + ")";
  }
  if (facts.verify_result != 0) {
    detail += std::string(" (verify: ") + X509_verify_cert_error_string(facts.verify_result) + ")";
  }
  finish(facts, detail);
  RefineCutWithProbe(request, outcome);
  return outcome;
}

}  // namespace kuscia::harness
