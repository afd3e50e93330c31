// The doctor's vocabulary: every check reports Findings, each named by one FindingId (documented once,
// below), with a severity, the cause and the fix. The report puts errors first, so the first line a user
// reads is the most likely root cause; the JSON report carries exactly the same data.
//
//   Report report;
//   report.Add({FindingId::kToken, Severity::kError, "Token file", "ends in a newline", "printf ...", ""});
//   report.WriteText(std::cout);   // "ERROR   token  Token file: ends in a newline\n        fix: ..."
//   int exit_code = report.HasErrors() ? 1 : 0;
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kuscia::doctor {

// One value per check. The names (FindingIdName) are the stable ids of the JSON report.
enum class FindingId {
  kCertsDir,          // the --certs directory exists and can be listed
  kFiles,             // a file the deployment needs is present and readable
  kPem,               // a certificate or key file parses as PEM
  kKeyPair,           // a private key belongs to the certificate it is used with
  kKeyFormat,         // PKCS#8 (what Java/Netty clients need) rather than PKCS#1/SEC1
  kKeyPermissions,    // private keys are not readable by group or others
  kToken,             // token file: non-empty, no trailing newline/whitespace, only header-safe characters
  kCertValidity,      // a certificate file is inside its validity period, with days left (warning under 30)
  kClientChain,       // the client certificate chains to ca.crt
  kClientUsage,       // the client certificate may be used for TLS client authentication
  kResolve,           // the endpoint's host name resolves
  kConnect,           // a TCP connection to the endpoint opens
  kProtocol,          // what answers on the port (Kuscia API over mTLS/TLS/HTTP, gateway, gRPC, ...)
  kServerChain,       // the certificate the endpoint presents was issued by ca.crt
  kServerValidity,    // the certificate the endpoint presents is inside its validity period
  kServerName,        // the presented certificate's SANs contain the host the user connects to
  kHealth,            // POST /healthZ with the token answers ready
  kClientCertRequired,// without a client certificate the server refuses the handshake (MTLS)
  kTokenChecked,      // with a wrong token the server answers 401 (the deployment's own error mapping)
};

std::string_view FindingIdName(FindingId id);  // "client_chain"

// ok / warning / error as the issue asks; skipped when an earlier error made the check meaningless.
enum class Severity { kOk, kWarning, kError, kSkipped };
std::string_view SeverityName(Severity severity);  // "ok" | "warning" | "error" | "skipped"

struct Finding {
  FindingId id;
  Severity severity;
  std::string title;   // what was checked, naming the file or endpoint ("Client certificate kusciaapi-client.crt")
  std::string cause;   // what was found
  std::string fix;     // what to do; empty for ok
  std::string detail;  // extra facts (OpenSSL's words, fingerprints, SANs); never a token
};

class Report {
 public:
  void Add(Finding finding);
  void Ok(FindingId id, std::string title, std::string cause, std::string detail = "");
  void Warn(FindingId id, std::string title, std::string cause, std::string fix, std::string detail = "");
  void Error(FindingId id, std::string title, std::string cause, std::string fix, std::string detail = "");
  void Skip(FindingId id, std::string title, std::string cause);

  bool HasErrors() const;
  // Errors, then warnings, then ok, then skipped; the check order is kept inside each group.
  std::vector<Finding> Ordered() const;
  const std::vector<Finding>& findings() const { return findings_; }
  // First finding with this id (in check order), or null.
  const Finding* Find(FindingId id) const;
  std::vector<const Finding*> FindAll(FindingId id) const;

  void WriteText(std::ostream& out) const;
  nlohmann::ordered_json ToJson() const;

 private:
  std::vector<Finding> findings_;
};

}  // namespace kuscia::doctor
