#include "harness/doctor/finding.h"

#include <algorithm>
#include <iomanip>

namespace kuscia::doctor {

std::string_view FindingIdName(FindingId id) {
  switch (id) {
    case FindingId::kCertsDir: return "certs_dir";
    case FindingId::kFiles: return "files";
    case FindingId::kPem: return "pem";
    case FindingId::kKeyPair: return "key_pair";
    case FindingId::kKeyFormat: return "key_format";
    case FindingId::kKeyPermissions: return "key_permissions";
    case FindingId::kToken: return "token";
    case FindingId::kCertValidity: return "cert_validity";
    case FindingId::kClientChain: return "client_chain";
    case FindingId::kClientUsage: return "client_usage";
    case FindingId::kResolve: return "resolve";
    case FindingId::kConnect: return "connect";
    case FindingId::kProtocol: return "protocol";
    case FindingId::kServerChain: return "server_chain";
    case FindingId::kServerValidity: return "server_validity";
    case FindingId::kServerName: return "server_name";
    case FindingId::kHealth: return "health";
    case FindingId::kClientCertRequired: return "client_cert_required";
    case FindingId::kTokenChecked: return "token_checked";
  }
  return "unknown";
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kOk: return "ok";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
    case Severity::kSkipped: return "skipped";
  }
  return "unknown";
}

void Report::Add(Finding finding) { findings_.push_back(std::move(finding)); }

void Report::Ok(FindingId id, std::string title, std::string cause, std::string detail) {
  Add({id, Severity::kOk, std::move(title), std::move(cause), "", std::move(detail)});
}
void Report::Warn(FindingId id, std::string title, std::string cause, std::string fix, std::string detail) {
  Add({id, Severity::kWarning, std::move(title), std::move(cause), std::move(fix), std::move(detail)});
}
void Report::Error(FindingId id, std::string title, std::string cause, std::string fix, std::string detail) {
  Add({id, Severity::kError, std::move(title), std::move(cause), std::move(fix), std::move(detail)});
}
void Report::Skip(FindingId id, std::string title, std::string cause) {
  Add({id, Severity::kSkipped, std::move(title), std::move(cause), "", ""});
}

bool Report::HasErrors() const {
  return std::any_of(findings_.begin(), findings_.end(),
                     [](const Finding& f) { return f.severity == Severity::kError; });
}

std::vector<Finding> Report::Ordered() const {
  auto rank = [](Severity s) {
    switch (s) {
      case Severity::kError: return 0;
      case Severity::kWarning: return 1;
      case Severity::kOk: return 2;
      case Severity::kSkipped: return 3;
    }
    return 4;
  };
  std::vector<Finding> ordered = findings_;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [&](const Finding& a, const Finding& b) { return rank(a.severity) < rank(b.severity); });
  return ordered;
}

const Finding* Report::Find(FindingId id) const {
  for (const Finding& f : findings_) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::vector<const Finding*> Report::FindAll(FindingId id) const {
  std::vector<const Finding*> all;
  for (const Finding& f : findings_) {
    if (f.id == id) all.push_back(&f);
  }
  return all;
}

void Report::WriteText(std::ostream& out) const {
  size_t errors = 0, warnings = 0;
  for (const Finding& f : Ordered()) {
    std::string label(SeverityName(f.severity));
    std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return std::toupper(c); });
    out << std::left << std::setw(8) << label << std::setw(21) << FindingIdName(f.id) << f.title << ": " << f.cause
        << "\n";
    if (!f.fix.empty()) out << std::string(29, ' ') << "fix: " << f.fix << "\n";
    if (!f.detail.empty() && f.severity != Severity::kOk) out << std::string(29, ' ') << "detail: " << f.detail << "\n";
    errors += f.severity == Severity::kError;
    warnings += f.severity == Severity::kWarning;
  }
  out << (errors == 0 ? "healthy" : "unhealthy") << ": " << errors << " error(s), " << warnings << " warning(s), "
      << findings_.size() << " check(s)\n";
}

nlohmann::ordered_json Report::ToJson() const {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  size_t counts[4] = {0, 0, 0, 0};
  for (const Finding& f : Ordered()) {
    counts[static_cast<int>(f.severity)]++;
    list.push_back({{"id", FindingIdName(f.id)},
                    {"severity", SeverityName(f.severity)},
                    {"title", f.title},
                    {"cause", f.cause},
                    {"fix", f.fix},
                    {"detail", f.detail}});
  }
  return {{"healthy", !HasErrors()},
          {"summary", {{"error", counts[2]}, {"warning", counts[1]}, {"ok", counts[0]}, {"skipped", counts[3]}}},
          {"findings", std::move(list)}};
}

}  // namespace kuscia::doctor
