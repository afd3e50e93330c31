#include "mock_server/http/gin_quirks.h"

#include <algorithm>
#include <vector>

namespace kuscia::mock::http {
namespace {

std::string_view TrimSpacesAndTabs(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// Go's path.Clean: collapse slashes, drop `.` elements, resolve `..` against what precedes it.
std::string GoPathClean(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t start = i;
    while (i < path.size() && path[i] != '/') ++i;
    std::string_view part = path.substr(start, i - start);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string cleaned;
  for (std::string_view part : parts) cleaned.append("/").append(part);
  return cleaned.empty() ? "/" : cleaned;
}

// True when path.Clean leaves `path` as it is (a trailing slash aside): rooted, with no empty, `.` or `..`
// element. Every well-formed request takes this allocation-free answer.
bool IsCleanPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  for (size_t start = 1; start < path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::optional<std::string> CleanPathRedirectTarget(std::string_view path) {
  if (IsCleanPath(path)) return std::nullopt;
  std::string candidate = path.empty() || path.front() != '/' ? "/" + std::string(path) : std::string(path);
  std::string cleaned = GoPathClean(candidate);
  // ServeMux keeps a trailing slash: `/a/` is clean, only `//`-style noise is not.
  if (candidate.size() > 1 && candidate.back() == '/' && cleaned != "/") cleaned += '/';
  if (cleaned == path) return std::nullopt;
  return cleaned;
}

transport::HttpResponse Redirect(int status, std::string_view method, std::string_view location) {
  transport::HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Location", std::string(location));
  if (method == "GET" || method == "HEAD") {
    response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
  }
  if (method == "GET") {
    std::string_view text = status == 301 ? "Moved Permanently" : "Temporary Redirect";
    // http.Redirect uses Fprintln on a string that already ends in ".\n": two newlines.
    response.body = "<a href=\"" + std::string(location) + "\">" + std::string(text) + "</a>.\n\n";
  }
  return response;
}

transport::HttpResponse TrailingSlashRedirect(std::string_view method, std::string_view location) {
  return Redirect(method == "GET" ? 301 : 307, method, location);
}

bool TokenAccepted(std::optional<std::string_view> header_value, std::string_view token_file_bytes) {
  std::string_view sent = header_value ? TrimSpacesAndTabs(*header_value) : std::string_view();
  return sent == token_file_bytes;
}

transport::HttpResponse Unauthorized() {
  transport::HttpResponse response;
  response.status = 401;
  return response;
}

transport::HttpResponse NotFound() {
  transport::HttpResponse response;
  response.status = 404;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = "404 page not found";
  return response;
}

BodyDecoder ClassifyContentType(std::optional<std::string_view> content_type) {
  if (!content_type) return BodyDecoder::kJsonProto;
  // gin's filterFlags: the MIME type ends at the first ';' or ' '.
  std::string_view mime = *content_type;
  size_t end = mime.find_first_of("; ");
  if (end != std::string_view::npos) mime = mime.substr(0, end);
  if (mime.empty() || mime == "text/plain" || mime.starts_with("application/json")) return BodyDecoder::kJsonProto;
  if (mime == "application/x-protobuf") return BodyDecoder::kProtobuf;
  return BodyDecoder::kOtherMime;
}

}  // namespace kuscia::mock::http
