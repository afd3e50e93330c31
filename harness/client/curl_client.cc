#include "harness/client/curl_client.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "harness/client/json_object_splitter.h"
#include "harness/client/tls_probe.h"
#include "harness/client/transport_mapping.h"
#include "sys/files.h"
#include "sys/process.h"

namespace kuscia::harness {
namespace {

std::string SecondsArg(std::chrono::milliseconds timeout) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(timeout.count()) / 1000.0);
  return buf;
}

// The identity flags in the order the docs write them.
void AppendIdentity(const ClientIdentity& id, std::vector<std::string>& argv) {
  if (id.client_cert) argv.insert(argv.end(), {"--cert", id.client_cert->string()});
  if (id.client_key) argv.insert(argv.end(), {"--key", id.client_key->string()});
  if (id.ca_cert) argv.insert(argv.end(), {"--cacert", id.ca_cert->string()});
  if (!id.verify_server) argv.push_back("-k");
}

// The last header block of a -D dump (earlier ones belong to 100-continue and the like).
std::vector<std::pair<std::string, std::string>> ParseHeaderDump(const std::string& dump) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
      headers.clear();
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t start = line.find_first_not_of(' ', colon + 1);
    headers.emplace_back(name, start == std::string::npos ? "" : line.substr(start));
  }
  return headers;
}

// The status code of the last response head in a -D dump; 0 when none arrived.
int LastStatusInDump(const std::string& dump) {
  int status = 0;
  std::istringstream in(dump);
  std::string line;
  while (std::getline(in, line)) {
    int code = 0;
    if (line.rfind("HTTP/", 0) == 0 && std::sscanf(line.c_str(), "HTTP/%*s %d", &code) == 1) status = code;
  }
  return status;
}

// In stream mode stdout carries the body as it arrives, so -w goes to stderr ("%{stderr}", curl >= 7.63)
// behind this marker, and is taken out of the text shown as the detail.
constexpr std::string_view kWriteOutMarker = "kc-curl-write-out: ";

// Removes the marked -w line from `stderr_text` and returns what followed the marker ("" when absent:
// curl was killed before it could write it).
std::string TakeWriteOut(std::string& stderr_text) {
  size_t at = stderr_text.find(kWriteOutMarker);
  if (at == std::string::npos) return "";
  size_t end = stderr_text.find('\n', at);
  if (end == std::string::npos) end = stderr_text.size();
  std::string write_out = stderr_text.substr(at + kWriteOutMarker.size(), end - at - kWriteOutMarker.size());
  stderr_text.erase(at, end == stderr_text.size() ? end - at : end - at + 1);
  return write_out;
}

// The flags a stream read adds, where both the run and the rendered command put them: -N so every piece
// is passed on as it arrives, --max-time as the read's bound.
std::vector<std::string> StreamFlags(const StreamRead& read) {
  return {"-N", "--max-time", SecondsArg(read.max_time)};
}

}  // namespace

std::string ShellQuote(const std::string& arg) {
  bool safe = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("-_./:=@%+,").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (safe) return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string CurlCommandLine(const ClientRequest& request) {
  const ClientIdentity& id = request.identity;
  std::string cmd = "curl";
  if (request.stream) {
    for (const std::string& flag : StreamFlags(*request.stream)) cmd += " " + flag;
  }
  cmd += " -X " + request.method + " " + ShellQuote(request.base_url + request.path);
  if (id.token_source == ClientIdentity::TokenSource::kFile) {
    cmd += " --header \"Token: $(cat " + ShellQuote(id.token_file.string()) + ")\"";
  } else if (id.token_source == ClientIdentity::TokenSource::kLiteral) {
    cmd += " --header " + ShellQuote("Token: " + id.token_literal);
  }
  for (const auto& [name, value] : request.headers) cmd += " --header " + ShellQuote(name + ": " + value);
  std::vector<std::string> identity;
  AppendIdentity(id, identity);
  for (const std::string& arg : identity) cmd += " " + ShellQuote(arg);
  if (request.body) cmd += " -d " + ShellQuote(*request.body);
  return cmd;
}

Result<Outcome> CurlClient::Send(const ClientRequest& request) {
  if (request.stream) KC_RETURN_IF_ERROR(ValidateStreamRead(*request.stream));
  const ClientIdentity& id = request.identity;
  Outcome outcome;
  Result<std::optional<std::string>> token = id.TokenValue();
  if (!token.ok()) {
    // `$(cat missing)` gives an empty token and cat's complaint; we stop before sending instead.
    outcome.transport = TransportClass::kClientConfigError;
    outcome.detail = token.status().message();
    if (request.stream) FinishStreamOutcome(*request.stream, StreamEnd::kError, outcome);
    return outcome;
  }
  sys::TempDir scratch("kc-curl");
  std::string header_file = (scratch.path() / "headers").string();
  std::string body_file = (scratch.path() / "body").string();
  std::vector<std::string> argv = {program_, "-sS"};
  if (request.stream) {
    // The body comes on stdout, piece by piece, so the run can be stopped once enough events arrived.
    for (std::string& flag : StreamFlags(*request.stream)) argv.push_back(std::move(flag));
    argv.insert(argv.end(), {"-X", request.method, request.base_url + request.path, "-D", header_file, "-w",
                             "%{stderr}" + std::string(kWriteOutMarker) + "%{http_code} %{ssl_verify_result}\n"});
  } else {
    argv.insert(argv.end(), {"-X", request.method, request.base_url + request.path, "-D", header_file, "-o",
                             body_file, "-w", "%{http_code} %{ssl_verify_result}", "--max-time",
                             SecondsArg(request.timeout)});
  }
  if (*token) argv.insert(argv.end(), {"--header", "Token: " + **token});
  for (const auto& [name, value] : request.headers) argv.insert(argv.end(), {"--header", name + ": " + value});
  AppendIdentity(id, argv);
  if (request.body) argv.insert(argv.end(), {"--data-binary", *request.body});

  sys::ProcessOptions options;
  options.timeout = (request.stream ? request.stream->max_time : request.timeout) + std::chrono::seconds(5);
  JsonObjectSplitter splitter;
  size_t max_events = request.stream ? static_cast<size_t>(request.stream->max_events) : 0;
  if (max_events != 0) {
    options.on_stdout = [&](std::string_view piece) {
      splitter.Feed(piece, max_events);
      return splitter.count() < max_events;
    };
  }
  KC_ASSIGN_OR_RETURN(sys::ProcessResult run, sys::RunProcess(argv, options));

  std::string stderr_text = run.stderr_text;
  std::string write_out = request.stream ? TakeWriteOut(stderr_text) : run.stdout_text;
  CurlFacts facts{.exit_code = run.exit_code, .stderr_text = stderr_text, .killed_by_timeout = run.timed_out};
  int http_code = 0;
  long verify = 0;
  std::sscanf(write_out.c_str(), "%d %ld", &http_code, &verify);
  facts.ssl_verify_result = verify;
  outcome.transport = ClassifyCurl(facts);
  outcome.elapsed = run.elapsed;
  outcome.detail = stderr_text;
  while (!outcome.detail.empty() && outcome.detail.back() == '\n') outcome.detail.pop_back();
  if (!request.stream) {
    if (outcome.transport == TransportClass::kOk) {
      outcome.http_status = http_code;
      outcome.body = sys::ReadFile(body_file).value_or("");
      outcome.headers = ParseHeaderDump(sys::ReadFile(header_file).value_or(""));
      outcome.api_code = ExtractApiCode(outcome.body);
    }
    RefineCutWithProbe(request, outcome);
    return outcome;
  }

  // A stream: the head comes from the -D dump (curl flushes it line by line, so it is there even when curl
  // was killed), whatever happened afterwards.
  std::string dump = sys::ReadFile(header_file).value_or("");
  outcome.http_status = LastStatusInDump(dump);
  if (outcome.http_status != 0) outcome.headers = ParseHeaderDump(dump);
  outcome.body = run.stdout_text;
  StreamEnd end = StreamEnd::kServerClosed;
  if (run.stopped) {
    outcome.transport = TransportClass::kOk;
    end = StreamEnd::kMaxEvents;
    outcome.detail = "curl was stopped after " + std::to_string(max_events) + " events";
  } else if (run.exit_code == 28 && outcome.http_status != 0 && !run.timed_out) {
    // --max-time after the head arrived: the read's own bound, not a failure.
    outcome.transport = TransportClass::kOk;
    end = StreamEnd::kMaxTime;
  }
  FinishStreamOutcome(*request.stream, end, outcome);
  RefineCutWithProbe(request, outcome);
  return outcome;
}

}  // namespace kuscia::harness
