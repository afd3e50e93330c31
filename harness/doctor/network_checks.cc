#include "harness/doctor/network_checks.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "certs/inspect.h"

namespace kuscia::doctor {
namespace {

constexpr char kUse8082[] =
    "point the client at the host port mapped to Kuscia's HTTP API port 8082 (docker inspect CONTAINER "
    "--format '{{json .NetworkSettings.Ports}}')";

bool IsGateway(const HttpReply& reply) {
  std::string server = reply.Header("server").value_or("");
  return server.find("kuscia-gateway") != std::string::npos || reply.Header("kuscia-error-message").has_value() ||
         reply.body.find("unauthorized.") != std::string::npos;
}

bool IsCertificateAlert(int alert) {
  switch (alert) {
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_UNKNOWN_CA:
    case SSL_AD_ACCESS_DENIED:
    case SSL_AD_CERTIFICATE_REQUIRED:
    case SSL_AD_DECRYPT_ERROR:  // a client certificate whose key does not sign what it claims
      return true;
    default:
      return false;
  }
}

bool LooksLikeTls(const std::string& raw) {
  return raw.size() >= 3 && (raw[0] == 0x15 || raw[0] == 0x16) && raw[1] == 0x03;
}

std::string Excerpt(const std::string& text) {
  std::string out = text.substr(0, 160);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out + (text.size() > 160 ? "..." : "");
}

std::string DescribeReply(const HttpReply& reply) {
  return "HTTP " + std::to_string(reply.status) + (reply.body.empty() ? " (empty body)" : ", body: " + Excerpt(reply.body));
}

// The Kuscia health answer: {"status":{"code":0,...},"data":{"ready":true}}.
bool HealthReady(const HttpReply& reply) {
  if (reply.status != 200) return false;
  nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return false;
  auto status = body.find("status");
  auto data = body.find("data");
  return status != body.end() && status->is_object() && status->value("code", -1) == 0 && data != body.end() &&
         data->is_object() && data->value("ready", false);
}

class Prober {
 public:
  Prober(const Endpoint& endpoint, const Material& material, std::vector<ResolvedAddress> addresses,
         std::chrono::milliseconds timeout)
      : endpoint_(endpoint), material_(material), addresses_(std::move(addresses)), timeout_(timeout) {}

  TlsProbe Tls(bool with_identity, std::vector<std::string> alpn, std::optional<std::string> request) const {
    TlsProbeOptions options;
    if (with_identity && material_.client_cert_pem && material_.client_key_pem) {
      options.cert_pem = *material_.client_cert_pem;
      options.key_pem = *material_.client_key_pem;
    }
    options.alpn = std::move(alpn);
    if (!endpoint_.host_is_ip()) options.sni = endpoint_.host;
    options.request = std::move(request);
    options.timeout = timeout_;
    return ProbeTls(addresses_, options);
  }

  // A request whose connection was cut without an answer: was it our certificate? Repeat only the
  // handshake and listen, so the server's alert cannot be lost to a reset (see harness/client/tls_probe.h).
  int AlertAfterCut(bool with_identity) const {
    TlsProbe listen = Tls(with_identity, {"http/1.1"}, std::nullopt);
    return listen.alert;
  }

  std::string Health(std::optional<std::string_view> token) const { return HealthRequest(endpoint_, token); }
  std::optional<std::string_view> Token() const {
    if (!material_.token) return std::nullopt;
    return std::string_view(*material_.token);
  }
  const std::vector<ResolvedAddress>& addresses() const { return addresses_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  const Endpoint& endpoint_;
  const Material& material_;
  std::vector<ResolvedAddress> addresses_;
  std::chrono::milliseconds timeout_;
};

void ReportGateway(const Endpoint& endpoint, const HttpReply& reply, Report& report) {
  report.Error(FindingId::kProtocol, "What answers on " + endpoint.HostHeader(),
               "the Kuscia gateway (envoy), not the Kuscia API: it answers every request with 401 'unauthorized.' "
               "(that is its normal answer to a connectivity check)",
               std::string("wrong port: the gateway is 1080 (often mapped to 11080 or similar); ") + kUse8082,
               DescribeReply(reply) + ", server: " + reply.Header("server").value_or("-"));
}

void ReportGrpcPort(const Endpoint& endpoint, const std::string& how, Report& report) {
  report.Error(FindingId::kProtocol, "What answers on " + endpoint.HostHeader(),
               "a TLS server that speaks only HTTP/2 (ALPN h2) and drops HTTP/1.1: this is the gRPC port (8083), not "
               "the HTTP API (curl: 'Connection reset by peer'; SecretPad on the wrong port: 'Failed ALPN negotiation')",
               std::string("for HTTP(S) ") + kUse8082 + "; only gRPC clients use 8083", how);
}

void SkipApi(const std::string& why, Report& report) {
  report.Skip(FindingId::kHealth, "POST /healthZ with the token", why);
  report.Skip(FindingId::kClientCertRequired, "Handshake without a client certificate", why);
  report.Skip(FindingId::kTokenChecked, "POST /healthZ with a wrong token", why);
}

void CheckServerCertificate(const Endpoint& endpoint, const std::string& peer_pem, const Material& material,
                            Report& report) {
  std::string title = "Certificate presented by " + endpoint.HostHeader();
  if (peer_pem.empty()) {
    report.Error(FindingId::kServerChain, title, "the server presented no certificate", "check the server's TLS setup");
    return;
  }
  Result<certs::CertificateInfo> info = certs::InspectCertificatePem(peer_pem);
  std::string who = info.ok() ? "subject " + info->subject + ", issuer " + info->issuer : "";
  if (!material.ca_pem) {
    report.Skip(FindingId::kServerChain, title, "no usable ca.crt to check it against");
  } else {
    Status chain = certs::VerifyCertificate(peer_pem, *material.ca_pem, std::nullopt, /*require_client_auth=*/false);
    const std::string& why = chain.message();
    if (chain.ok() || why.find("X509_V_ERR_CERT_HAS_EXPIRED") != std::string::npos ||
        why.find("X509_V_ERR_CERT_NOT_YET_VALID") != std::string::npos) {
      report.Ok(FindingId::kServerChain, title, "issued by ca.crt (" + who + ")");
    } else {
      report.Error(FindingId::kServerChain, title,
                   "not issued by ca.crt: clients that verify the server fail (curl 60 'unable to get local issuer "
                   "certificate', Go 'x509: certificate signed by unknown authority')",
                   "use the ca.crt of the node you are calling (every Kuscia domain has its own CA), and check that "
                   "the endpoint is the node you think it is",
                   who + "; " + why);
    }
  }
  ReportValidity(FindingId::kServerValidity, title, peer_pem,
                 "delete kusciaapi-server.crt/.key on the node and restart Kuscia so it regenerates them (10 years)",
                 report);

  BIO* bio = BIO_new_mem_buf(peer_pem.data(), static_cast<int>(peer_pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!cert) return;
  int match = endpoint.host_is_ip() ? X509_check_ip_asc(cert, endpoint.host.c_str(), 0)
                                    : X509_check_host(cert, endpoint.host.c_str(), endpoint.host.size(), 0, nullptr);
  X509_free(cert);
  std::string sans;
  if (info.ok()) {
    for (const std::string& d : info->dns_sans) sans += (sans.empty() ? "" : ", ") + d;
    for (const std::string& ip : info->ip_sans) sans += (sans.empty() ? "" : ", ") + ip;
  }
  if (match == 1) {
    report.Ok(FindingId::kServerName, title, "its SANs name " + endpoint.host, "SANs: " + sans);
  } else {
    report.Error(FindingId::kServerName, title,
                 "its SANs (" + sans + ") do not contain '" + endpoint.host +
                     "': clients that verify the host fail (curl 60 'no alternative certificate subject name matches "
                     "target host name'; tutorials hide it with -k) — the Kuscia #65 case",
                 "add " + endpoint.host +
                     " to kusciaAPISans in kuscia.yaml AND delete kusciaapi-server.crt/.key so Kuscia regenerates "
                     "them (changing kusciaAPISans alone has no effect); or connect with a name the certificate lists",
                 "SANs: " + sans);
  }
}

void ReportHealthReply(const HttpReply& reply, const Material& material, Report& report) {
  std::string title = "POST /healthZ with the token";
  if (HealthReady(reply)) {
    report.Ok(FindingId::kHealth, title, "HTTP 200, ready");
    return;
  }
  if (reply.status == 401) {
    std::string fix = !material.token ? "pass the token: copy var/certs/token from the node you call"
                      : !material.token_file_clean
                          ? "fix the token file first (see the token finding)"
                          : "copy var/certs/token from the node you call: the token is derived from the domain key, "
                            "so it changes when the node is redeployed or rebuilt, and a copy from another node "
                            "never matches";
    report.Error(FindingId::kHealth, title,
                 !material.token ? "HTTP 401: no token was sent" : "HTTP 401: the server does not accept the token",
                 fix, DescribeReply(reply));
    return;
  }
  report.Error(FindingId::kHealth, title, "not the ready answer Kuscia gives: " + DescribeReply(reply),
               "check that the endpoint is the Kuscia API (port 8082) and that Kuscia has finished starting",
               DescribeReply(reply));
}

void CheckWrongToken(const HttpReply& reply, const std::optional<HttpReply>& no_token, bool token_check_expected,
                     Report& report) {
  std::string title = "POST /healthZ with a wrong token";
  if (token_check_expected && no_token && no_token->status == 200) {
    report.Error(FindingId::kTokenChecked, title,
                 "a request without a Token header is accepted: the server's token file is empty (Kuscia compares "
                 "the header with the file's bytes, and an absent header compares as \"\")",
                 "make sure var/certs/token on the node is non-empty (delete it and restart Kuscia to regenerate it)",
                 "wrong token: " + DescribeReply(reply) + "; no token: " + DescribeReply(*no_token));
    return;
  }
  if (!token_check_expected) {
    if (reply.status == 200) {
      report.Ok(FindingId::kTokenChecked, title, "accepted: NOTLS switches Kuscia's token check off, as Kuscia does");
    } else {
      report.Warn(FindingId::kTokenChecked, title,
                  "NOTLS Kuscia does not check tokens, but this server answered " + DescribeReply(reply),
                  "check that the endpoint is a Kuscia API in NOTLS mode", DescribeReply(reply));
    }
    return;
  }
  if (reply.status == 401) {
    report.Ok(FindingId::kTokenChecked, title, "HTTP 401, as Kuscia answers a wrong (or missing) token");
  } else if (reply.status == 200) {
    report.Error(FindingId::kTokenChecked, title,
                 "accepted: the server does not check the token (its token file is empty, or the check is off)",
                 "make sure var/certs/token on the node is non-empty (delete it and restart Kuscia to regenerate it)",
                 DescribeReply(reply));
  } else {
    report.Warn(FindingId::kTokenChecked, title,
                "answered " + DescribeReply(reply) + " where Kuscia answers HTTP 401 with an empty body",
                "clients that map 401 to 'wrong token' will misreport this deployment's errors", DescribeReply(reply));
  }
}

void CheckPlainEndpoint(const Endpoint& endpoint, const Material& material, const Prober& prober, Report& report) {
  std::string title = "What answers on " + endpoint.HostHeader();
  PlainProbe probe = ProbeHttp(prober.addresses(), prober.Health(prober.Token()), prober.timeout());
  if (!probe.reply) {
    if (LooksLikeTls(probe.raw_reply)) {
      report.Error(FindingId::kProtocol, title, "a TLS server: it answered plain HTTP with a TLS alert",
                   "use https:// (the deployment runs protocol MTLS or TLS)", Excerpt(probe.raw_reply));
    } else {
      report.Error(FindingId::kProtocol, title,
                   "no HTTP/1.1 answer (" + (probe.timed_out ? std::string("timed out") : "connection closed") +
                       "): a gRPC (HTTP/2) port or something else that is not the Kuscia HTTP API",
                   kUse8082, probe.error);
    }
    SkipApi("the port does not speak HTTP/1.1", report);
    return;
  }
  const HttpReply& reply = *probe.reply;
  if (IsGateway(reply)) {
    ReportGateway(endpoint, reply, report);
    SkipApi("the port is the gateway, not the API", report);
    return;
  }
  if (reply.status == 400 && reply.body.find("HTTP request to an HTTPS server") != std::string::npos) {
    report.Error(FindingId::kProtocol, title,
                 "a TLS server: 'Client sent an HTTP request to an HTTPS server.'",
                 "use https:// (the deployment runs protocol MTLS or TLS) with ca.crt, a client certificate and the token",
                 DescribeReply(reply));
    SkipApi("the port speaks TLS", report);
    return;
  }
  report.Ok(FindingId::kProtocol, title,
            "the Kuscia API over plain HTTP (protocol NOTLS: no TLS, and no token check)", DescribeReply(reply));
  ReportHealthReply(reply, material, report);
  report.Skip(FindingId::kClientCertRequired, "Handshake without a client certificate", "NOTLS has no TLS");
  PlainProbe wrong = ProbeHttp(prober.addresses(), prober.Health(kWrongToken), prober.timeout());
  if (wrong.reply) {
    CheckWrongToken(*wrong.reply, std::nullopt, /*token_check_expected=*/false, report);
  } else {
    report.Error(FindingId::kTokenChecked, "POST /healthZ with a wrong token", "no answer", kUse8082, wrong.error);
  }
}

void ReportRejectedIdentity(const Material& material, int alert, Report& report) {
  std::string alert_text = AlertName(alert);
  if (!material.client_cert_pem) {
    report.Error(FindingId::kHealth, "POST /healthZ with the token",
                 "the server requires a client certificate (alert '" + alert_text + "') and none is usable "
                 "(curl 56 'alert bad certificate' / 'certificate required')",
                 "pass --client-cert/--client-key, or fix the client files reported above (C1)");
  } else {
    report.Error(FindingId::kHealth, "POST /healthZ with the token",
                 "the server rejected the client certificate " + material.client_cert_path.string() + " (alert '" +
                     alert_text + "'; curl 35 or 56)",
                 "use a client certificate that chains to the node's ca.crt, is valid and allows clientAuth (see the "
                 "client certificate findings); copy crt and key from the node you call");
  }
  report.Skip(FindingId::kClientCertRequired, "Handshake without a client certificate",
              "the server already refused the client identity");
  report.Skip(FindingId::kTokenChecked, "POST /healthZ with a wrong token", "no accepted TLS session to test with");
}

void CheckTlsEndpoint(const Endpoint& endpoint, const Material& material, const Prober& prober, Report& report) {
  std::string title = "What answers on " + endpoint.HostHeader();
  TlsProbe probe = prober.Tls(true, {"http/1.1"}, prober.Health(prober.Token()));

  if (!probe.handshake_done) {
    if (probe.alert == SSL_AD_NO_APPLICATION_PROTOCOL) {
      ReportGrpcPort(endpoint, "the handshake offering only http/1.1 ended with alert 'no application protocol'",
                     report);
      SkipApi("the port is the gRPC port", report);
      return;
    }
    if (IsCertificateAlert(probe.alert) || (probe.alert == SSL_AD_HANDSHAKE_FAILURE && probe.cert_requested)) {
      if (!probe.peer_cert_pem.empty()) CheckServerCertificate(endpoint, probe.peer_cert_pem, material, report);
      report.Ok(FindingId::kProtocol, title, "a TLS server that requires a client certificate (the Kuscia API in MTLS)");
      ReportRejectedIdentity(material, probe.alert, report);
      return;
    }
    if (probe.alert < 0 && !probe.timed_out) {
      PlainProbe plain = ProbeHttp(prober.addresses(), prober.Health(std::nullopt), prober.timeout());
      if (plain.reply && IsGateway(*plain.reply)) {
        ReportGateway(endpoint, *plain.reply, report);
        SkipApi("the port is the gateway, not the API", report);
        return;
      }
      if (plain.reply) {
        report.Error(FindingId::kProtocol, title,
                     "plain HTTP, not TLS: a NOTLS deployment (curl on https://: exit 35 'wrong version number')",
                     "use http://" + endpoint.HostHeader() + " with no certificates (NOTLS also switches the token "
                     "check off), or remove 'protocol: NOTLS' from kuscia.yaml to get MTLS",
                     DescribeReply(*plain.reply));
        SkipApi("the endpoint is plain HTTP", report);
        return;
      }
    }
    report.Error(FindingId::kProtocol, title,
                 probe.timed_out ? "the TCP connection opened but the TLS handshake never completed"
                                 : "the TLS handshake failed" +
                                       (probe.alert >= 0 ? " with alert '" + probe.alert_text + "'" : std::string()),
                 "check that the port is the Kuscia API (8082) and that client and server share a TLS version",
                 probe.error);
    SkipApi("no TLS session", report);
    return;
  }

  CheckServerCertificate(endpoint, probe.peer_cert_pem, material, report);

  if (!probe.reply && probe.alpn.empty() && !IsCertificateAlert(probe.alert)) {
    TlsProbe h2 = prober.Tls(false, {"h2"}, std::nullopt);
    if (h2.handshake_done && h2.alpn == "h2") {
      ReportGrpcPort(endpoint, "an HTTP/1.1 request was dropped without an answer; the server negotiates ALPN h2",
                     report);
      SkipApi("the port is the gRPC port", report);
      return;
    }
  }
  int alert = probe.alert;
  if (!probe.reply && !IsCertificateAlert(alert)) alert = prober.AlertAfterCut(true);
  if (!probe.reply && IsCertificateAlert(alert)) {
    report.Ok(FindingId::kProtocol, title, "a TLS server that requires a client certificate (the Kuscia API in MTLS)");
    ReportRejectedIdentity(material, alert, report);
    return;
  }
  if (!probe.reply) {
    report.Error(FindingId::kProtocol, title,
                 "a TLS server that closed the connection without answering POST /healthZ",
                 "check that the port is the Kuscia API (8082)", probe.error + " " + Excerpt(probe.raw_reply));
    SkipApi("no HTTP answer", report);
    return;
  }
  if (IsGateway(*probe.reply)) {
    ReportGateway(endpoint, *probe.reply, report);
    SkipApi("the port is the gateway, not the API", report);
    return;
  }
  if (probe.cert_requested) {
    report.Ok(FindingId::kProtocol, title, "the Kuscia API over mutual TLS (the server asks for a client certificate)");
  } else {
    report.Warn(FindingId::kProtocol, title,
                "a TLS server that does not ask for a client certificate (Kuscia protocol TLS): anyone holding the "
                "token gets in",
                "leave 'protocol' empty (MTLS, Kuscia's default) in kuscia.yaml unless TLS was chosen on purpose");
  }
  ReportHealthReply(*probe.reply, material, report);

  TlsProbe anonymous = prober.Tls(false, {"http/1.1"}, prober.Health(prober.Token()));
  std::string anon_title = "Handshake without a client certificate";
  if (anonymous.reply) {
    report.Warn(FindingId::kClientCertRequired, anon_title,
                "accepted without a client certificate (" + DescribeReply(*anonymous.reply) +
                    "): the deployment runs protocol TLS, not MTLS",
                "set protocol to MTLS (leave it empty) in kuscia.yaml if clients must present certificates");
  } else {
    int anon_alert = IsCertificateAlert(anonymous.alert) ? anonymous.alert : prober.AlertAfterCut(false);
    if (IsCertificateAlert(anon_alert) || anonymous.alert == SSL_AD_HANDSHAKE_FAILURE) {
      int shown = IsCertificateAlert(anon_alert) ? anon_alert : anonymous.alert;
      report.Ok(FindingId::kClientCertRequired, anon_title,
                "refused with alert '" + AlertName(shown) + "', as MTLS Kuscia does");
    } else {
      report.Warn(FindingId::kClientCertRequired, anon_title,
                  "the connection was cut without a TLS alert: clients cannot tell a missing certificate from a "
                  "network failure",
                  "Kuscia answers a missing client certificate with a TLS alert; check what sits in front of it",
                  anonymous.error);
    }
  }

  TlsProbe wrong = prober.Tls(true, {"http/1.1"}, prober.Health(kWrongToken));
  if (wrong.reply) {
    TlsProbe no_token = prober.Tls(true, {"http/1.1"}, prober.Health(std::nullopt));
    CheckWrongToken(*wrong.reply, no_token.reply, /*token_check_expected=*/true, report);
  } else {
    report.Error(FindingId::kTokenChecked, "POST /healthZ with a wrong token", "no HTTP answer",
                 "check that the port is the Kuscia API (8082)", wrong.error);
  }
}

}  // namespace

void CheckEndpoint(const Endpoint& endpoint, const Material& material, std::chrono::milliseconds timeout,
                   Report& report) {
  Result<std::vector<ResolvedAddress>> addresses = Resolve(endpoint);
  if (!addresses.ok()) {
    report.Error(FindingId::kResolve, "Name " + endpoint.host, "does not resolve",
                 "check the host name; outside the docker network use the host's address and the port mapped to "
                 "8082 (SecretPad: 'Unable to resolve host root-kuscia-master')",
                 addresses.status().message());
    report.Skip(FindingId::kConnect, "TCP " + endpoint.HostHeader(), "the name does not resolve");
    SkipApi("the name does not resolve", report);
    return;
  }
  std::string resolved;
  for (const ResolvedAddress& a : *addresses) resolved += (resolved.empty() ? "" : ", ") + a.text;
  report.Ok(FindingId::kResolve, "Name " + endpoint.host, "resolves to " + resolved);

  Result<int> fd = ConnectTcp(*addresses, timeout);
  if (!fd.ok()) {
    bool refused = fd.status().code() == StatusCode::kUnavailable;
    report.Error(FindingId::kConnect, "TCP " + endpoint.HostHeader(),
                 refused ? "connection refused: nothing listens on this port"
                         : "no answer within the timeout (a firewall, or an address that is not this machine)",
                 "check the port: Kuscia's API is 8082 inside the container and must be published (docker -p "
                 "HOSTPORT:8082, or kuscia.sh --expose-ports); " + std::string(kUse8082),
                 fd.status().message());
    SkipApi("no TCP connection", report);
    return;
  }
  ::close(*fd);
  report.Ok(FindingId::kConnect, "TCP " + endpoint.HostHeader(), "connection opened");

  Prober prober(endpoint, material, std::move(*addresses), timeout);
  if (endpoint.tls()) {
    CheckTlsEndpoint(endpoint, material, prober, report);
  } else {
    CheckPlainEndpoint(endpoint, material, prober, report);
  }
}

}  // namespace kuscia::doctor
