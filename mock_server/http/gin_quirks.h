// The behaviour of Kuscia's HTTP front end (Go net/http ServeMux + gin v1.9.1) that a client can observe
// before any Kuscia service runs. One function per quirk, each citing the reference section it follows.
//
//   if (auto clean = CleanPathRedirectTarget(path)) return Redirect(301, *clean, method);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mock_server/transport/http_server.h"

namespace kuscia::mock::http {

// Go's ServeMux redirects unclean paths (`//`, `/./`, `/a/../b`) with 301 to the cleaned path (§2.1).
// Returns the cleaned path when a redirect is due.
std::optional<std::string> CleanPathRedirectTarget(std::string_view path);

// gin's RedirectTrailingSlash: a path whose twin without the trailing slash is a route of the same method
// redirects — 301 for GET, 307 otherwise — before any middleware runs, so no token is needed (§2.1).
transport::HttpResponse TrailingSlashRedirect(std::string_view method, std::string_view location);

// Go's http.Redirect: Location always; for GET a small HTML body, for HEAD only the content type.
transport::HttpResponse Redirect(int status, std::string_view method, std::string_view location);

// The token middleware compares the first `Token` header (name case-insensitive, value trimmed of
// leading/trailing spaces and tabs as Go does) with the token file's exact bytes (§1.4). An absent header
// compares as "", so an empty token file lets requests without a token through.
bool TokenAccepted(std::optional<std::string_view> header_value, std::string_view token_file_bytes);

// 401 from gin's AbortWithError: status only, no Content-Type, empty body (§1.4).
transport::HttpResponse Unauthorized();

// gin's default 404: `404 page not found` as text/plain, no newline (§2.1). Also GET on a POST route.
transport::HttpResponse NotFound();

// How the request body is decoded, chosen from its Content-Type the way the decorator does (§2.2).
enum class BodyDecoder {
  kJsonProto,  // missing, text/plain, or a case-sensitive `application/json` prefix: the JSON binder
  kProtobuf,   // application/x-protobuf: binary protobuf (the gRPC issue brings this decoder)
  kOtherMime,  // anything else: gin's form/XML/YAML binders, which leave a proto request empty
};
BodyDecoder ClassifyContentType(std::optional<std::string_view> content_type);

// The Content-Type of every JSON answer of the decorator routes and the watch stream.
inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

}  // namespace kuscia::mock::http
