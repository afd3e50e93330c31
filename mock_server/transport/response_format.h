// Bytes the transport writes itself: response heads, chunk framing, the Date header and Go's canned
// error answers. Boost-free so it can be unit-tested and kept out of the Beast translation unit.
//
//   std::string head;
//   AppendResponseHead(head, 200, /*http_minor=*/1, response.headers, {.content_length = body.size()});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kuscia::mock::transport::internal {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Go's http.StatusText for the codes a Kuscia server can produce; "" for others.
std::string_view ReasonPhrase(int status);

struct HeadFraming {
  std::optional<size_t> content_length;  // nullopt: no Content-Length (chunked, 1xx/204/304, close-delimited)
  bool chunked = false;                  // Transfer-Encoding: chunked
  bool close = false;                    // the connection closes after this response
  bool keep_alive_http10 = false;        // an HTTP/1.0 peer asked for keep-alive and gets it
};

// Status line, the handler's headers (minus the framing headers the transport owns), Date, framing.
// Follows Go: "HTTP/1.0" answers HTTP/1.0 requests, "Connection: close" only for HTTP/1.1, no Server.
void AppendResponseHead(std::string& out, int status, int http_minor, const HeaderList& headers,
                        const HeadFraming& framing);

// Whether a response with this status may carry a body (not 1xx, 204, 304).
bool StatusAllowsBody(int status);

// "1a2b\r\n" for a chunk of that many bytes.
std::string ChunkPrefix(size_t size);

// "Mon, 02 Jan 2006 15:04:05 GMT" for now; formatted once per second per thread.
std::string_view HttpDateNow();

// Go's answer to plain HTTP on a TLS port (net/http server.go), byte for byte.
inline constexpr std::string_view kPlainHttpOnTlsPortAnswer =
    "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

// Go's raw error answer for a request it could not read ("431 Request Header Fields Too Large",
// "400 Bad Request", "400 Bad Request: missing required Host header"): text/plain, close.
std::string GoRequestErrorAnswer(std::string_view public_error);

// Our 413: Go has no body limit, so the text is ours; it names the limit and how to raise it.
std::string BodyTooLargeAnswer(std::optional<size_t> declared_length, size_t limit, int http_minor);

}  // namespace kuscia::mock::transport::internal
