#include "mock_server/journal/journal_json.h"

#include <charconv>
#include <ctime>

namespace kuscia::mock::journal {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kFilterKeys = "path, method, job_id, status, code, fault, since";

Json CertificateToJson(const transport::PeerCertificate& cert) {
  return Json{{"subject", cert.subject},
              {"issuer", cert.issuer},
              {"sans", cert.sans},
              {"sha256", cert.sha256_fingerprint}};
}

Result<int64_t> ParseInteger(std::string_view key, std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("journal filter '" + std::string(key) + "' must be an integer, got '" + std::string(text) +
                           "'");
  }
  return value;
}

Status SetFilterKey(JournalFilter& filter, std::string_view key, const std::string& text, bool numeric_given,
                    int64_t number) {
  auto as_number = [&]() -> Result<int64_t> {
    if (numeric_given) return number;
    return ParseInteger(key, text);
  };
  if (key == "path") {
    filter.path = text;
  } else if (key == "method") {
    filter.method = text;
  } else if (key == "job_id") {
    filter.job_id = text;
  } else if (key == "fault") {
    filter.fault = text;
  } else if (key == "status") {
    KC_ASSIGN_OR_RETURN(int64_t v, as_number());
    filter.http_status = static_cast<int>(v);
  } else if (key == "code") {
    KC_ASSIGN_OR_RETURN(int64_t v, as_number());
    filter.api_code = static_cast<int>(v);
  } else if (key == "since") {
    KC_ASSIGN_OR_RETURN(int64_t v, as_number());
    if (v < 0) return InvalidArgument("journal filter 'since' must be a seq number >= 0, got " + std::to_string(v));
    filter.since = static_cast<uint64_t>(v);
  } else {
    return InvalidArgument("unknown journal filter '" + std::string(key) + "'; use any of: " + std::string(kFilterKeys));
  }
  return OkStatus();
}

}  // namespace

std::string FormatTimeMillis(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
  std::time_t seconds = std::chrono::system_clock::to_time_t(ms);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  int millis = static_cast<int>((ms.time_since_epoch().count() % 1000 + 1000) % 1000);
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buffer;
}

Json EntryToJson(const JournalEntry& e) {
  Json headers = Json::array();
  for (const auto& [name, value] : e.headers) headers.push_back(Json::array({name, value}));
  Json client = Json::object();
  client["address"] = e.connection ? e.connection->remote_address : "";
  client["tls_version"] = e.connection ? e.connection->tls_version : "";
  client["certificate"] = e.connection && e.connection->client_certificate
                              ? CertificateToJson(*e.connection->client_certificate)
                              : Json(nullptr);
  Json response = {{"http_status", e.http_status},
                   {"code", e.api_code ? Json(*e.api_code) : Json(nullptr)},
                   {"duration_ms", static_cast<double>(e.duration.count()) / 1000.0},
                   {"stream", e.stream}};
  Json fault = e.fault_kind.empty() ? Json(nullptr) : Json{{"rule", e.fault_rule}, {"kind", std::string(e.fault_kind)}};
  return Json{{"seq", e.seq},
              {"time", FormatTimeMillis(e.time)},
              {"method", e.method},
              {"path", e.path},
              {"query", e.query},
              {"headers", std::move(headers)},
              {"token", std::string(TokenSeenName(e.token))},
              {"body", e.body},
              {"body_size", e.body_size},
              {"body_truncated", e.body.size() < e.body_size},
              {"client", std::move(client)},
              {"response", std::move(response)},
              {"fault", std::move(fault)}};
}

Json HandshakeToJson(const HandshakeRecord& r) {
  return Json{{"seq", r.seq},
              {"time", FormatTimeMillis(r.time)},
              {"remote_address", r.remote_address},
              {"cause", r.cause},
              {"detail", r.detail}};
}

Json StatsToJson(const JournalStats& s) {
  return Json{{"capacity", s.capacity}, {"size", s.size},       {"total", s.total},
              {"dropped", s.dropped},   {"last_seq", s.last_seq}, {"approx_bytes", s.approx_bytes}};
}

Json StatsToJson(const HandshakeStats& s) {
  return Json{{"capacity", s.capacity}, {"size", s.size}, {"total", s.total}, {"dropped", s.dropped}};
}

Result<JournalFilter> FilterFromJson(const nlohmann::json& object) {
  JournalFilter filter;
  if (object.is_null()) return filter;
  if (!object.is_object()) {
    return InvalidArgument("a journal filter must be a JSON object such as {\"path\":\"/api/v1/job/create\"}, got " +
                           object.dump());
  }
  for (const auto& [key, value] : object.items()) {
    if (value.is_string()) {
      KC_RETURN_IF_ERROR(SetFilterKey(filter, key, value.get<std::string>(), false, 0));
    } else if (value.is_number_integer()) {
      if (key == "path" || key == "method" || key == "job_id" || key == "fault") {
        return InvalidArgument("journal filter '" + key + "' must be a string, got " + value.dump());
      }
      KC_RETURN_IF_ERROR(SetFilterKey(filter, key, "", true, value.get<int64_t>()));
    } else {
      return InvalidArgument("journal filter '" + key + "' must be a string or an integer, got " + value.dump() +
                             "; accepted keys: " + std::string(kFilterKeys));
    }
  }
  return filter;
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

namespace {

template <class Fn>
void ForEachQueryPair(std::string_view query, Fn&& fn) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = UrlDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
    if (!fn(key, value)) return;
  }
}

}  // namespace

std::optional<std::string> QueryValue(std::string_view query, std::string_view key) {
  std::optional<std::string> found;
  ForEachQueryPair(query, [&](const std::string& k, const std::string& v) {
    if (k != key) return true;
    found = v;
    return false;
  });
  return found;
}

Result<JournalFilter> FilterFromQuery(std::string_view query, std::initializer_list<std::string_view> extra_keys) {
  JournalFilter filter;
  Status status;
  ForEachQueryPair(query, [&](const std::string& key, const std::string& value) {
    for (std::string_view extra : extra_keys) {
      if (key == extra) return true;
    }
    status = SetFilterKey(filter, key, value, false, 0);
    return status.ok();
  });
  if (!status.ok()) return status;
  return filter;
}

}  // namespace kuscia::mock::journal
