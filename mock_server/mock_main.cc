#include "mock_server/mock_main.h"

#include <CLI/CLI.hpp>
#include <signal.h>

#include <cmath>
#include <iostream>

#include "mock_server/control/admin_listener.h"
#include "mock_server/server.h"
#include "sys/files.h"
#include "sys/process.h"

namespace kuscia::mock {
namespace {

constexpr int kUsageError = 2;

// "127.0.0.1:8082", "localhost:0", "[::1]:8082" -> host and port.
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return InvalidArgument("--listen '" + text + "' must be HOST:PORT, e.g. 127.0.0.1:8082 (port 0 picks a free one)");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  std::string port_text = text.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5 ||
      std::stoi(port_text) > 65535) {
    return InvalidArgument("--listen '" + text + "': port '" + port_text + "' must be a number from 0 to 65535");
  }
  return std::make_pair(host, static_cast<uint16_t>(std::stoi(port_text)));
}

Result<std::chrono::milliseconds> SecondsOption(const std::string& name, double seconds, bool allow_zero) {
  if (!std::isfinite(seconds) || seconds < 0 || (!allow_zero && seconds == 0)) {
    return InvalidArgument(name + " must be a " + (allow_zero ? "non-negative" : "positive") +
                           " number of seconds, got " + std::to_string(seconds));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

int UsageError(const Status& status) {
  std::cerr << "kuscia-mock: error: " << status.message() << "\n";
  return kUsageError;
}

}  // namespace

int RunMockCli(int argc, char** argv) {
  CLI::App app{"kuscia-mock: a faithful fake of the Kuscia API server (HTTPS + JSON, port 8082)"};
  std::string certs_dir;
  std::string listen = "127.0.0.1:8082";
  std::string port_file;
  std::string protocol = "mtls";
  std::string clock = "real";
  double task_duration = 1.0;
  double heartbeat = 10.0;
  int threads = 2;
  std::string tls_records = "own";
  bool quiet = false;
  std::string admin;
  std::string admin_token_file;
  int64_t journal_size = 1000;
  std::string node_mode = "master";
  std::string own_domain;
  std::string state_file;
  std::string save_state_file;
  app.add_option("--certs", certs_dir, "Kuscia cert directory (ca.crt, kusciaapi-server.*, token); generated if missing")
      ->required();
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)");
  app.add_option("--port-file", port_file, "Write the bound port to this file once listening");
  app.add_option("--protocol", protocol, "mtls (default), tls or notls, as Kuscia's `protocol:` setting");
  app.add_option("--task-duration", task_duration, "Seconds each task runs (real clock)");
  app.add_option("--clock", clock, "real (default) or manual (time moves only when told)");
  app.add_option("--heartbeat", heartbeat, "Seconds of silence before a WatchJob heartbeat");
  app.add_option("--threads", threads, "I/O threads (default 2)");
  app.add_option("--tls-records", tls_records,
                 "own (default): after a TLS 1.3 handshake the fake protects records itself and frees OpenSSL's "
                 "per-connection state (~19 KB); openssl: OpenSSL throughout");
  app.add_flag("--quiet", quiet, "Do not log one line per request");
  app.add_option("--admin", admin, "HOST:PORT of the control plane (plain HTTP + JSON, docs/control-plane.md); "
                                   "loopback unless --admin-token is set");
  app.add_option("--admin-token", admin_token_file, "File holding the control plane's bearer token");
  app.add_option("--journal-size", journal_size, "Requests kept in the request journal (default 1000; 0 = none)");
  app.add_option("--mode", node_mode, "master (default), autonomy (a P2P node) or lite, as Kuscia's `mode:`");
  app.add_option("--domain", own_domain, "The node's own domain id (autonomy and lite), e.g. alice");
  app.add_option("--state", state_file, "Start from this YAML/JSON state file (docs/mock-server.md)");
  app.add_option("--save-state", save_state_file, "Write the state to this file on SIGINT/SIGTERM (.json: JSON, else YAML)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsageError;
  }

  MockServerOptions options;
  options.certs_dir = certs_dir;
  Result<std::pair<std::string, uint16_t>> where = ParseListen(listen);
  if (!where.ok()) return UsageError(where.status());
  options.host = where->first;
  options.port = where->second;
  Result<transport::ProtocolMode> mode = transport::ParseProtocolMode(protocol);
  if (!mode.ok()) return UsageError(mode.status());
  options.mode = *mode;
  Result<ClockKind> clock_kind = ParseClockKind(clock);
  if (!clock_kind.ok()) return UsageError(clock_kind.status());
  options.clock = *clock_kind;
  Result<std::chrono::milliseconds> duration = SecondsOption("--task-duration", task_duration, true);
  if (!duration.ok()) return UsageError(duration.status());
  options.task_duration = *duration;
  Result<std::chrono::milliseconds> beat = SecondsOption("--heartbeat", heartbeat, false);
  if (!beat.ok()) return UsageError(beat.status());
  options.heartbeat = *beat;
  if (threads < 1 || threads > 64) return UsageError(InvalidArgument("--threads must be from 1 to 64"));
  options.threads = threads;
  if (tls_records != "own" && tls_records != "openssl") {
    return UsageError(InvalidArgument("--tls-records must be own or openssl, got \"" + tls_records + "\""));
  }
  options.own_tls13_record_layer = tls_records == "own";
  options.request_log = quiet ? nullptr : stderr;
  if (!admin.empty()) options.admin = admin;
  if (!admin_token_file.empty()) {
    if (admin.empty()) return UsageError(InvalidArgument("--admin-token needs --admin HOST:PORT"));
    Result<std::string> admin_token = control::ReadAdminToken(admin_token_file);
    if (!admin_token.ok()) return UsageError(admin_token.status());
    options.admin_token = *admin_token;
  }
  if (journal_size < 0 || journal_size > 10000000) {
    return UsageError(InvalidArgument("--journal-size must be from 0 to 10000000"));
  }
  options.journal_size = static_cast<size_t>(journal_size);
  Result<services::NodeIdentity> node = services::MakeNodeIdentity(node_mode, own_domain);
  if (!node.ok()) return UsageError(node.status());
  options.node = *node;
  options.state_file = state_file;

  // Each connection is a file descriptor; the usual soft limit of 1024 would refuse the 1025th client.
  if (Result<uint64_t> files = sys::RaiseOpenFileSoftLimit(); !files.ok()) {
    std::cerr << "kuscia-mock: warning: " << files.status().message() << "\n";
  }

  // Block the stop signals before any thread starts, so every thread inherits the mask and sigwait below
  // is the only place they are received.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<std::unique_ptr<MockServer>> server = MockServer::Start(options);
  if (!server.ok()) {
    std::cerr << "kuscia-mock: error: " << server.status().message() << "\n";
    return server.status().code() == StatusCode::kInvalidArgument ? kUsageError : 1;
  }
  if (!port_file.empty()) {
    Status written = sys::WriteFileAtomic(port_file, std::to_string((*server)->port()) + "\n");
    if (!written.ok()) {
      std::cerr << "kuscia-mock: error: " << written.message() << "\n";
      return 1;
    }
  }
  std::cout << "kuscia-mock ready: " << (*server)->base_url() << " (" << transport::ProtocolModeName(options.mode)
            << ") — try:\n  " << (*server)->HealthCurlCommand() << std::endl;
  if (!(*server)->admin_url().empty()) {
    std::cout << "kuscia-mock control plane: " << (*server)->admin_url() << "/admin (docs/control-plane.md)"
              << std::endl;
  }

  int received = 0;
  sigwait(&stop_signals, &received);
  std::cerr << "kuscia-mock: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
  (*server)->Stop();
  if (!save_state_file.empty()) {
    // After Stop: no request can change the state any more, so the file is the final state.
    Status saved = (*server)->SaveState(save_state_file);
    if (!saved.ok()) {
      std::cerr << "kuscia-mock: error: " << saved.message() << "\n";
      return 1;
    }
    std::cerr << "kuscia-mock: state saved to " << save_state_file << "\n";
  }
  return 0;
}

}  // namespace kuscia::mock
