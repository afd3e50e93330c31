#include "harness/bench/process_stats.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string>

#include "sys/process.h"

namespace kuscia::bench {

namespace {

std::string ProcPath(pid_t pid, const char* file) { return "/proc/" + std::to_string(pid) + "/" + file; }

// "VmRSS:\t  12345 kB" -> 12345
bool ParseKbLine(std::string_view line, std::string_view key, uint64_t* kb) {
  if (!line.starts_with(key)) return false;
  std::string_view rest = line.substr(key.size());
  size_t digits = rest.find_first_of("0123456789");
  if (digits == std::string_view::npos) return false;
  rest.remove_prefix(digits);
  return std::from_chars(rest.data(), rest.data() + rest.size(), *kb).ec == std::errc();
}

}  // namespace

Result<ProcessMemory> ReadProcessMemory(pid_t pid) {
  std::ifstream status(ProcPath(pid, "status"));
  if (!status) {
    if (kill(pid, 0) != 0 && errno == ESRCH) return NotFound("process " + std::to_string(pid) + " is not running");
    return Unavailable("cannot read " + ProcPath(pid, "status") + ": " + std::strerror(errno));
  }
  ProcessMemory memory;
  bool rss = false;
  std::string line;
  while (std::getline(status, line)) {
    if (ParseKbLine(line, "VmRSS:", &memory.rss_kb)) rss = true;
    ParseKbLine(line, "VmHWM:", &memory.hwm_kb);
  }
  if (!rss) return Unavailable(ProcPath(pid, "status") + " has no VmRSS line (a kernel thread or a zombie?)");
  return memory;
}

Result<ProcessMemory> ReadProcessesMemory(const std::vector<pid_t>& pids) {
  ProcessMemory total;
  for (pid_t pid : pids) {
    KC_ASSIGN_OR_RETURN(ProcessMemory one, ReadProcessMemory(pid));
    total.rss_kb += one.rss_kb;
    total.hwm_kb += one.hwm_kb;
  }
  return total;
}

Result<uint64_t> OpenFileLimitOf(pid_t pid) {
  std::ifstream limits(ProcPath(pid, "limits"));
  if (!limits) return Unavailable("cannot read " + ProcPath(pid, "limits") + ": " + std::strerror(errno));
  std::string line;
  while (std::getline(limits, line)) {
    // "Max open files            1024                 524288               files"
    if (!line.starts_with("Max open files")) continue;
    std::string_view rest = std::string_view(line).substr(std::strlen("Max open files"));
    size_t digits = rest.find_first_not_of(' ');
    if (digits == std::string_view::npos) break;
    rest.remove_prefix(digits);
    if (rest.starts_with("unlimited")) return UINT64_MAX;
    uint64_t soft = 0;
    if (std::from_chars(rest.data(), rest.data() + rest.size(), soft).ec == std::errc()) return soft;
    break;
  }
  return Unavailable(ProcPath(pid, "limits") + " has no readable 'Max open files' line");
}

Result<uint64_t> RaiseOpenFileLimit(uint64_t needed) {
  KC_ASSIGN_OR_RETURN(uint64_t soft, sys::RaiseOpenFileSoftLimit());
  if (soft < needed) {
    return FailedPrecondition("this run needs about " + std::to_string(needed) +
                              " open files but the hard limit is " + std::to_string(soft) +
                              "; raise it before starting (as root: `ulimit -n " + std::to_string(needed) +
                              "` in the shell, or LimitNOFILE= for a systemd unit), or use fewer --connections");
  }
  return soft;
}

}  // namespace kuscia::bench
