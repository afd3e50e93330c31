// Runs the real `curl` the way the Kuscia docs do, for end-to-end tests of anything that speaks the API.
//
//   CurlCall call{.url = base + "/healthZ", .certs = dir, .body = "{}"};
//   CurlResult r = RunCurl(call);
//   EXPECT_EQ(r.exit_code, 0); EXPECT_EQ(r.http_status, 200);
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <cstdlib>

#include "sys/files.h"
#include "sys/process.h"

namespace kuscia::testing {

struct CurlCall {
  std::string url;
  std::string method = "POST";
  std::optional<std::filesystem::path> certs;    // a Kuscia cert dir: --cacert ca.crt --cert/--key kusciaapi-server
  std::optional<std::string> client_cert;        // overrides the cert file (absolute path)
  std::optional<std::string> client_key;         // overrides the key file
  bool send_client_cert = true;
  bool insecure = false;                         // -k
  std::optional<std::string> token;              // header value; nullopt = read the dir's token file as $(cat) does
  bool send_token = true;
  std::optional<std::string> body;               // -d
  std::string content_type = "application/json";
  std::vector<std::string> extra_args;
  int max_time_seconds = 20;
};

struct CurlResult {
  int exit_code = -1;
  int http_status = 0;            // from -w '%{http_code}'; 0 when no response arrived
  std::string body;
  std::string headers;            // raw response headers (-D)
  std::string stderr_text;
};

// The token as `$(cat token)` yields it: the file's bytes with trailing newlines stripped by the shell.
inline std::string ShellCatToken(const std::filesystem::path& token_file) {
  Result<std::string> content = sys::ReadFile(token_file);
  std::string token = content.ok() ? *content : "";
  while (!token.empty() && token.back() == '\n') token.pop_back();
  return token;
}

inline CurlResult RunCurl(const CurlCall& call) {
  sys::TempDir scratch("kc-curl");
  std::string header_file = (scratch.path() / "headers").string();
  std::vector<std::string> argv = {"curl", "-sS", "--http1.1", "-X", call.method, call.url, "-D", header_file,
                                   "-o", "-", "-w", "\n%{http_code}", "--max-time",
                                   std::to_string(call.max_time_seconds)};
  if (call.certs) {
    argv.insert(argv.end(), {"--cacert", (*call.certs / "ca.crt").string()});
    if (call.send_client_cert) {
      argv.insert(argv.end(), {"--cert", call.client_cert.value_or((*call.certs / "kusciaapi-server.crt").string())});
      argv.insert(argv.end(), {"--key", call.client_key.value_or((*call.certs / "kusciaapi-server.key").string())});
    }
    if (call.send_token) {
      std::string token = call.token.value_or(ShellCatToken(*call.certs / "token"));
      argv.insert(argv.end(), {"--header", "Token: " + token});
    }
  } else if (call.send_token && call.token) {
    argv.insert(argv.end(), {"--header", "Token: " + *call.token});
  }
  if (call.insecure) argv.push_back("-k");
  if (!call.content_type.empty()) argv.insert(argv.end(), {"--header", "Content-Type: " + call.content_type});
  if (call.body) argv.insert(argv.end(), {"--data-binary", *call.body});
  argv.insert(argv.end(), call.extra_args.begin(), call.extra_args.end());

  CurlResult result;
  sys::ProcessOptions options;
  options.timeout = std::chrono::seconds(call.max_time_seconds + 10);
  Result<sys::ProcessResult> run = sys::RunProcess(argv, options);
  if (!run.ok()) {
    result.stderr_text = run.status().ToString();
    return result;
  }
  result.exit_code = run->exit_code;
  result.stderr_text = run->stderr_text;
  std::string out = run->stdout_text;
  size_t newline = out.rfind('\n');
  if (newline != std::string::npos) {
    result.http_status = std::atoi(out.c_str() + newline + 1);
    result.body = out.substr(0, newline);
  }
  Result<std::string> headers = sys::ReadFile(header_file);
  if (headers.ok()) result.headers = *headers;
  return result;
}

}  // namespace kuscia::testing
