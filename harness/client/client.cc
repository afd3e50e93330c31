#include "harness/client/client.h"

#include <signal.h>

#include <charconv>
#include <mutex>

#include "harness/client/builtin_client.h"
#include "harness/client/curl_client.h"
#include "harness/client/exec_client.h"
#include "harness/client/json_object_splitter.h"
#include "sys/files.h"

namespace kuscia::harness {

ClientIdentity ClientIdentity::FromKusciaDir(const std::filesystem::path& dir) {
  ClientIdentity id;
  id.ca_cert = dir / "ca.crt";
  id.client_cert = dir / "kusciaapi-server.crt";
  id.client_key = dir / "kusciaapi-server.key";
  id.token_source = TokenSource::kFile;
  id.token_file = dir / "token";
  return id;
}

Result<std::optional<std::string>> ClientIdentity::TokenValue() const {
  switch (token_source) {
    case TokenSource::kNone:
      return std::optional<std::string>();
    case TokenSource::kLiteral:
      return std::optional<std::string>(token_literal);
    case TokenSource::kFile: {
      Result<std::string> content = sys::ReadFile(token_file);
      if (!content.ok()) return NotFound("cannot read the token file " + token_file.string() + ": " +
                                         content.status().message());
      std::string token = *content;
      // The documented clients send "$(cat token)": the shell drops trailing newlines.
      while (!token.empty() && token.back() == '\n') token.pop_back();
      return std::optional<std::string>(token);
    }
  }
  return Internal("unhandled token source");
}

Result<std::unique_ptr<Client>> MakeClient(const std::string& spec) {
  if (spec == "builtin") return std::unique_ptr<Client>(std::make_unique<BuiltinClient>());
  if (spec == "curl") return std::unique_ptr<Client>(std::make_unique<CurlClient>());
  if (spec.rfind("exec:", 0) == 0) {
    std::vector<std::string> argv;
    std::string command = spec.substr(5);
    size_t pos = 0;
    while (pos < command.size()) {
      size_t space = command.find(' ', pos);
      if (space == std::string::npos) space = command.size();
      if (space > pos) argv.push_back(command.substr(pos, space - pos));
      pos = space + 1;
    }
    if (argv.empty()) return InvalidArgument("--client exec: needs a command, e.g. --client 'exec:python3 client.py'");
    return std::unique_ptr<Client>(std::make_unique<ExecClient>(std::move(argv)));
  }
  return InvalidArgument("unknown client '" + spec + "'; use builtin, curl or exec:COMMAND");
}

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

Status ValidateStreamRead(const StreamRead& read) {
  if (read.max_events < 0) {
    return InvalidArgument("stream max_events must be 0 (no limit) or more, got " + std::to_string(read.max_events));
  }
  if (read.max_time.count() <= 0) {
    return InvalidArgument("stream max_time must be positive (it bounds the read), got " +
                           std::to_string(read.max_time.count()) + " ms");
  }
  return Status();
}

void FinishStreamOutcome(const StreamRead& read, StreamEnd end, Outcome& outcome) {
  StreamOutcome stream;
  stream.end = end;
  JsonObjectSplitter splitter;
  size_t limit = static_cast<size_t>(read.max_events);
  size_t used = splitter.Feed(outcome.body, limit);
  if (limit != 0 && splitter.count() >= limit) {
    outcome.body.resize(used);
    stream.end = StreamEnd::kMaxEvents;
    // The client may have seen the stream fail in the same read that completed the last event it wanted
    // (curl exits 18 before it can be stopped); a client that stops on time never sees that, so none does.
    if (outcome.transport != TransportClass::kOk && outcome.http_status != 0) {
      outcome.detail = "stopped after " + std::to_string(limit) + " events (" +
                       std::string(TransportClassName(outcome.transport)) + " after them ignored: " + outcome.detail + ")";
      outcome.transport = TransportClass::kOk;
    }
  }
  if (outcome.transport != TransportClass::kOk) stream.end = StreamEnd::kError;
  stream.events = splitter.TakeObjects();
  stream.parse_error = splitter.error();
  if (stream.parse_error.empty() && stream.end == StreamEnd::kServerClosed && splitter.mid_object()) {
    stream.parse_error = "the stream ended inside the object after byte " +
                         std::to_string(splitter.end_of_last_object());
  }
  outcome.api_code = ExtractApiCode(outcome.body);
  outcome.stream = std::move(stream);
}

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  BaseUrl out;
  size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return InvalidArgument("'" + url + "' is not a URL; expected https://HOST:PORT (or http:// for notls)");
  }
  out.scheme = url.substr(0, sep);
  if (out.scheme != "https" && out.scheme != "http") {
    return InvalidArgument("'" + url + "': the scheme must be https or http");
  }
  std::string rest = url.substr(sep + 3);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) {
    return InvalidArgument("'" + url + "': give the server only (https://HOST:PORT), without a path");
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || (rest.front() == '[' && rest.back() == ']')) {
    out.host = rest;
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    out.host = rest.substr(0, colon);
    std::string port = rest.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || ptr != port.data() + port.size() || out.port <= 0 || out.port > 65535) {
      return InvalidArgument("'" + url + "': the port must be a number from 1 to 65535");
    }
  }
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty()) return InvalidArgument("'" + url + "': the host is missing");
  return out;
}

}  // namespace kuscia::harness
