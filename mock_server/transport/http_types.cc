// The Boost-free parts of the public API: protocol mode names and header lookup.
#include <cctype>

#include "mock_server/transport/http_server.h"

namespace kuscia::mock::transport {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Result<ProtocolMode> ParseProtocolMode(std::string_view text) {
  if (EqualsIgnoreCase(text, "mtls")) return ProtocolMode::kMtls;
  if (EqualsIgnoreCase(text, "tls")) return ProtocolMode::kTls;
  if (EqualsIgnoreCase(text, "notls")) return ProtocolMode::kNoTls;
  return InvalidArgument("unknown protocol mode '" + std::string(text) +
                         "': use mtls (Kuscia's default), tls or notls");
}

std::string_view ProtocolModeName(ProtocolMode mode) {
  switch (mode) {
    case ProtocolMode::kMtls: return "mtls";
    case ProtocolMode::kTls: return "tls";
    case ProtocolMode::kNoTls: return "notls";
  }
  return "unknown";
}

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace kuscia::mock::transport
