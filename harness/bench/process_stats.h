// What the hold modes need from the operating system: a server's memory (/proc/PID/status VmRSS and
// VmHWM), a process's open-file limit (/proc/PID/limits), and raising our own RLIMIT_NOFILE.
//
//   KC_ASSIGN_OR_RETURN(ProcessMemory memory, ReadProcessMemory(server_pid));
//   KC_ASSIGN_OR_RETURN(uint64_t limit, RaiseOpenFileLimit(10'000 + 64));
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "api/status.h"

namespace kuscia::bench {

struct ProcessMemory {
  uint64_t rss_kb = 0;  // VmRSS: resident now
  uint64_t hwm_kb = 0;  // VmHWM: the peak resident size since the process started
};

// NotFound when the process is gone, Unavailable when /proc cannot be read.
Result<ProcessMemory> ReadProcessMemory(pid_t pid);
// The sum over processes (nginx: the master and its workers). The summed VmHWM is an upper bound.
Result<ProcessMemory> ReadProcessesMemory(const std::vector<pid_t>& pids);

// The soft "Max open files" of another process (its /proc/PID/limits), to warn before it runs out.
Result<uint64_t> OpenFileLimitOf(pid_t pid);

// Raises this process's soft RLIMIT_NOFILE to its hard limit and returns the new soft limit; a
// FailedPrecondition naming `ulimit -n` when even the hard limit is below `needed`.
Result<uint64_t> RaiseOpenFileLimit(uint64_t needed);

}  // namespace kuscia::bench
