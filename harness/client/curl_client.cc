#include "harness/client/curl_client.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

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
  std::string cmd = "curl -X " + request.method + " " + ShellQuote(request.base_url + request.path);
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
  const ClientIdentity& id = request.identity;
  Outcome outcome;
  Result<std::optional<std::string>> token = id.TokenValue();
  if (!token.ok()) {
    // `$(cat missing)` gives an empty token and cat's complaint; we stop before sending instead.
    outcome.transport = TransportClass::kClientConfigError;
    outcome.detail = token.status().message();
    return outcome;
  }
  sys::TempDir scratch("kc-curl");
  std::string header_file = (scratch.path() / "headers").string();
  std::string body_file = (scratch.path() / "body").string();
  std::vector<std::string> argv = {program_, "-sS", "-X", request.method, request.base_url + request.path,
                                   "-D", header_file, "-o", body_file,
                                   "-w", "%{http_code} %{ssl_verify_result}", "--max-time", SecondsArg(request.timeout)};
  if (*token) argv.insert(argv.end(), {"--header", "Token: " + **token});
  for (const auto& [name, value] : request.headers) argv.insert(argv.end(), {"--header", name + ": " + value});
  AppendIdentity(id, argv);
  if (request.body) argv.insert(argv.end(), {"--data-binary", *request.body});

  sys::ProcessOptions options;
  options.timeout = request.timeout + std::chrono::seconds(5);
  KC_ASSIGN_OR_RETURN(sys::ProcessResult run, sys::RunProcess(argv, options));

  CurlFacts facts{.exit_code = run.exit_code, .stderr_text = run.stderr_text, .killed_by_timeout = run.timed_out};
  int http_code = 0;
  long verify = 0;
  std::sscanf(run.stdout_text.c_str(), "%d %ld", &http_code, &verify);
  facts.ssl_verify_result = verify;
  outcome.transport = ClassifyCurl(facts);
  outcome.elapsed = run.elapsed;
  outcome.detail = run.stderr_text;
  while (!outcome.detail.empty() && outcome.detail.back() == '\n') outcome.detail.pop_back();
  if (outcome.transport == TransportClass::kOk) {
    outcome.http_status = http_code;
    outcome.body = sys::ReadFile(body_file).value_or("");
    outcome.headers = ParseHeaderDump(sys::ReadFile(header_file).value_or(""));
    outcome.api_code = ExtractApiCode(outcome.body);
  }
  RefineCutWithProbe(request, outcome);
  return outcome;
}

}  // namespace kuscia::harness
