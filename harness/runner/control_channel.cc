#include "harness/runner/control_channel.h"

#include <httplib.h>

#include "harness/client/client.h"

namespace kuscia::harness::runner {
namespace {

using nlohmann::json;

Status StatusForAdminError(int http_status, const std::string& message) {
  switch (http_status) {
    case 400: return InvalidArgument(message);
    case 401: return PermissionDenied(message + " (the control plane wants `--admin-token FILE`: its Bearer token)");
    case 404: return NotFound(message);
    case 408: return DeadlineExceeded(message);
    case 409: return FailedPrecondition(message);
    default: return Internal("control plane answered HTTP " + std::to_string(http_status) + ": " + message);
  }
}

}  // namespace

Result<std::string> NormaliseAdminUrl(std::string_view text) {
  std::string url(text);
  if (url.find("://") == std::string::npos) url = "http://" + url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() >= 6 && url.compare(url.size() - 6, 6, "/admin") == 0) url.resize(url.size() - 6);
  Result<BaseUrl> parsed = ParseBaseUrl(url);
  if (!parsed.ok() || parsed->scheme != "http") {
    return InvalidArgument("--admin '" + std::string(text) +
                           "' is not the control plane's address; give http://HOST:PORT as kuscia-mock printed it "
                           "(\"kuscia-mock control plane: http://127.0.0.1:PORT/admin\")");
  }
  return url;
}

ControlChannel::ControlChannel(std::string admin_url, std::optional<std::string> bearer_token)
    : url_(std::move(admin_url)), bearer_token_(std::move(bearer_token)) {
  if (Result<BaseUrl> parsed = ParseBaseUrl(url_); parsed.ok()) {
    host_ = parsed->host;
    port_ = parsed->port;
  }
}

Result<json> ControlChannel::Call(std::string_view method, std::string_view path, const json& body,
                                  std::chrono::milliseconds timeout) const {
  if (port_ == 0) return InvalidArgument("control plane URL '" + url_ + "' has no host and port");
  httplib::Client client(host_, port_);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count() % 1000000;
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  httplib::Headers headers;
  if (bearer_token_) headers.emplace("Authorization", "Bearer " + *bearer_token_);
  std::string text = body.is_null() || body.empty() ? std::string() : body.dump();
  httplib::Request request;
  request.method = std::string(method);
  request.path = std::string(path);
  request.headers = headers;
  request.body = text;
  if (!text.empty()) request.headers.emplace("Content-Type", "application/json");
  httplib::Result result = client.send(request);
  std::string where = std::string(method) + " " + url_ + std::string(path);
  if (!result) {
    if (result.error() == httplib::Error::Read) {
      return DeadlineExceeded(where + ": no answer within " + std::to_string(timeout.count()) + "ms");
    }
    return Unavailable(where + ": " + httplib::to_string(result.error()) +
                       " (is kuscia-mock running with --admin at that address?)");
  }
  json answer = json::parse(result->body, nullptr, false);
  if (answer.is_discarded()) {
    return Internal(where + " answered HTTP " + std::to_string(result->status) + " with a body that is not JSON");
  }
  if (result->status / 100 == 2) return answer;
  std::string message = answer.contains("error") && answer["error"].is_object()
                            ? answer["error"].value("message", result->body)
                            : result->body;
  return StatusForAdminError(result->status, where + ": " + message);
}

}  // namespace kuscia::harness::runner
