// Runs another program (curl, a user's client) and collects what it did.
//
// No shell is involved: the argument vector goes to the program as given, so paths and JSON bodies
// need no quoting. A run is always bounded by a timeout, after which the child is killed.
//
//   sys::ProcessResult r = *sys::RunProcess({"curl", "-sS", url}, {.timeout = 10s});
//   if (r.exit_code == 56) ...
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace kuscia::sys {

struct ProcessOptions {
  std::chrono::milliseconds timeout{30000};
  std::optional<std::string> stdin_data{};           // fed to the child's standard input, then closed
  std::map<std::string, std::string> extra_env{};    // added to (or replacing in) the inherited environment
  std::optional<std::string> working_directory{};
  // Called with each piece of the child's stdout as it arrives (it is still collected in stdout_text), for
  // callers that act on output before the child ends (reading a stream). Returning false ends the run:
  // the child is killed (SIGKILL) and ProcessResult::stopped is set.
  std::function<bool(std::string_view)> on_stdout{};
};

struct ProcessResult {
  int exit_code = -1;        // the child's exit status; -1 when it was killed by a signal
  int signal = 0;            // the signal that ended it, or 0
  bool timed_out = false;    // true when the timeout killed it
  bool stopped = false;      // true when on_stdout asked to stop and the child was killed for it
  std::string stdout_text;
  std::string stderr_text;
  std::chrono::milliseconds elapsed{0};
};

// Fails only when the program could not be started at all (NotFound when it is not on PATH).
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Looks `program` up on PATH the way a shell would; nullopt when absent.
std::optional<std::string> FindOnPath(const std::string& program);

// Raises this process's soft limit on open files to its hard limit (servers and load tools holding
// thousands of connections; the usual soft default is 1024). Returns the soft limit now in force
// (UINT64_MAX when unlimited).
Result<uint64_t> RaiseOpenFileSoftLimit();

}  // namespace kuscia::sys
