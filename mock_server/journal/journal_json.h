// The journal as JSON, built only when the control plane reads it (never on the request path), and the
// filters the control plane accepts, from a query string or a JSON object.
//
//   Result<JournalFilter> f = FilterFromQuery("path=/api/v1/job/*&code=11100&since=42");
//   nlohmann::ordered_json e = EntryToJson(entry);   // {"seq":43,"time":"...","method":"POST",...}
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/status.h"
#include "mock_server/journal/handshake_log.h"
#include "mock_server/journal/request_journal.h"

namespace kuscia::mock::journal {

// "2025-04-16T10:42:55.123Z": UTC with milliseconds (retry timing needs more than Kuscia's whole seconds).
std::string FormatTimeMillis(std::chrono::system_clock::time_point t);

nlohmann::ordered_json EntryToJson(const JournalEntry& entry);
nlohmann::ordered_json HandshakeToJson(const HandshakeRecord& record);
nlohmann::ordered_json StatsToJson(const JournalStats& stats);
nlohmann::ordered_json StatsToJson(const HandshakeStats& stats);

// Keys: path, method, job_id, status (HTTP), code (status.code), fault, since. Unknown keys and
// non-numbers where numbers belong are InvalidArgument naming the key and the accepted keys. `limit`
// is left to the caller (it is not a property of an entry).
Result<JournalFilter> FilterFromJson(const nlohmann::json& object);
// The same keys as a URL query string ("path=%2Fapi%2Fv1%2Fjob%2Fcreate&since=3"); `extra_keys` are
// accepted and skipped (e.g. "limit").
Result<JournalFilter> FilterFromQuery(std::string_view query, std::initializer_list<std::string_view> extra_keys = {});

// application/x-www-form-urlencoded decoding of one query component ('+' is a space).
std::string UrlDecode(std::string_view text);
// The value of `key` in a query string, decoded; nullopt when absent.
std::optional<std::string> QueryValue(std::string_view query, std::string_view key);

}  // namespace kuscia::mock::journal
