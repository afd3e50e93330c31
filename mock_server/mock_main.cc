#include "mock_server/mock_main.h"

#include <CLI/CLI.hpp>
#include <signal.h>

#include <cmath>
#include <iostream>

#include "mock_server/server.h"
#include "sys/files.h"

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
  bool quiet = false;
  app.add_option("--certs", certs_dir, "Kuscia cert directory (ca.crt, kusciaapi-server.*, token); generated if missing")
      ->required();
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free one)");
  app.add_option("--port-file", port_file, "Write the bound port to this file once listening");
  app.add_option("--protocol", protocol, "mtls (default), tls or notls, as Kuscia's `protocol:` setting");
  app.add_option("--task-duration", task_duration, "Seconds each task runs (real clock)");
  app.add_option("--clock", clock, "real (default) or manual (time moves only when told)");
  app.add_option("--heartbeat", heartbeat, "Seconds of silence before a WatchJob heartbeat");
  app.add_option("--threads", threads, "I/O threads (default 2)");
  app.add_flag("--quiet", quiet, "Do not log one line per request");
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
  options.request_log = quiet ? nullptr : stderr;

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

  int received = 0;
  sigwait(&stop_signals, &received);
  std::cerr << "kuscia-mock: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
  (*server)->Stop();
  return 0;
}

}  // namespace kuscia::mock
