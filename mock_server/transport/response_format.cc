#include "mock_server/transport/response_format.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "mock_server/transport/http_server.h"

namespace kuscia::mock::transport::internal {
namespace {

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 414: return "Request URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

bool StatusAllowsBody(int status) { return !(status >= 100 && status < 200) && status != 204 && status != 304; }

void AppendResponseHead(std::string& out, int status, int http_minor, const HeaderList& headers,
                        const HeadFraming& framing) {
  out.append(http_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
  out.append(std::to_string(status));
  out.push_back(' ');
  std::string_view reason = ReasonPhrase(status);
  if (reason.empty()) {
    out.append("status code ").append(std::to_string(status));  // Go's text for unknown codes
  } else {
    out.append(reason);
  }
  out.append("\r\n");
  bool has_date = false;
  for (const auto& [name, value] : headers) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding")) continue;
    if (EqualsIgnoreCase(name, "Connection") && (framing.close || framing.keep_alive_http10)) continue;
    if (EqualsIgnoreCase(name, "Date")) has_date = true;
    AppendHeader(out, name, value);
  }
  if (!has_date) AppendHeader(out, "Date", HttpDateNow());
  if (framing.content_length) AppendHeader(out, "Content-Length", std::to_string(*framing.content_length));
  if (framing.chunked) AppendHeader(out, "Transfer-Encoding", "chunked");
  if (framing.close && http_minor != 0) AppendHeader(out, "Connection", "close");
  if (framing.keep_alive_http10 && !framing.close) AppendHeader(out, "Connection", "keep-alive");
  out.append("\r\n");
}

std::string ChunkPrefix(size_t size) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%zx\r\n", size);
  return std::string(buf, static_cast<size_t>(n));
}

std::string_view HttpDateNow() {
  thread_local std::time_t cached_second = 0;
  thread_local char cached[40] = {};
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return cached;
}

std::string GoRequestErrorAnswer(std::string_view public_error) {
  std::string out = "HTTP/1.1 ";
  out.append(public_error);
  out.append("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n");
  out.append(public_error);
  return out;
}

std::string BodyTooLargeAnswer(std::optional<size_t> declared_length, size_t limit, int http_minor) {
  std::string body = "413 Request Entity Too Large: the request body";
  if (declared_length) body += " (" + std::to_string(*declared_length) + " bytes)";
  body += " exceeds the fake server's limit of " + std::to_string(limit) +
          " bytes; send a smaller body or raise max_body_bytes in the server options\n";
  std::string out;
  HeadFraming framing;
  framing.content_length = body.size();
  framing.close = true;
  AppendResponseHead(out, 413, http_minor, {{"Content-Type", "text/plain; charset=utf-8"}}, framing);
  out += body;
  return out;
}

}  // namespace kuscia::mock::transport::internal
