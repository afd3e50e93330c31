#include "harness/client/outcome.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace kuscia::harness {
namespace {

struct NamedClass {
  TransportClass transport;
  std::string_view name;
};

constexpr NamedClass kNames[] = {
    {TransportClass::kOk, "ok"},
    {TransportClass::kTlsClientRejected, "tls_client_rejected"},
    {TransportClass::kTlsServerUntrusted, "tls_server_untrusted"},
    {TransportClass::kTlsHostnameMismatch, "tls_hostname_mismatch"},
    {TransportClass::kTlsServerExpired, "tls_server_expired"},
    {TransportClass::kTlsProtocolMismatch, "tls_protocol_mismatch"},
    {TransportClass::kClientConfigError, "client_config_error"},
    {TransportClass::kConnectRefused, "connect_refused"},
    {TransportClass::kConnectionReset, "connection_reset"},
    {TransportClass::kTimeout, "timeout"},
};

struct NamedEnd {
  StreamEnd end;
  std::string_view name;
};

constexpr NamedEnd kEndNames[] = {
    {StreamEnd::kServerClosed, "server_closed"},
    {StreamEnd::kMaxEvents, "max_events"},
    {StreamEnd::kMaxTime, "max_time"},
    {StreamEnd::kError, "error"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view TransportClassName(TransportClass transport) {
  for (const NamedClass& n : kNames) {
    if (n.transport == transport) return n.name;
  }
  return "unknown";
}

Result<TransportClass> ParseTransportClass(std::string_view name) {
  std::string valid;
  for (const NamedClass& n : kNames) {
    if (n.name == name) return n.transport;
    if (!valid.empty()) valid += ", ";
    valid += n.name;
  }
  return InvalidArgument("unknown transport class '" + std::string(name) + "'; use one of: " + valid);
}

const std::vector<TransportClass>& AllTransportClasses() {
  static const std::vector<TransportClass> all = [] {
    std::vector<TransportClass> v;
    for (const NamedClass& n : kNames) v.push_back(n.transport);
    return v;
  }();
  return all;
}

std::string_view StreamEndName(StreamEnd end) {
  for (const NamedEnd& n : kEndNames) {
    if (n.end == end) return n.name;
  }
  return "unknown";
}

Result<StreamEnd> ParseStreamEnd(std::string_view name) {
  std::string valid;
  for (const NamedEnd& n : kEndNames) {
    if (n.name == name) return n.end;
    if (!valid.empty()) valid += ", ";
    valid += n.name;
  }
  return InvalidArgument("unknown stream end '" + std::string(name) + "'; use one of: " + valid);
}

std::optional<std::string> Outcome::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::optional<int> ExtractApiCode(std::string_view body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_object()) return std::nullopt;
  auto code = status->find("code");
  if (code == status->end() || !code->is_number_integer()) return std::nullopt;
  return code->get<int>();
}

}  // namespace kuscia::harness
