#include "sys/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace kuscia::sys {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
  bool Open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end = fds[0];
    write_end = fds[1];
    return true;
  }
  void CloseRead() { if (read_end >= 0) { ::close(read_end); read_end = -1; } }
  void CloseWrite() { if (write_end >= 0) { ::close(write_end); write_end = -1; } }
};

std::vector<std::string> BuildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos && extra.count(entry.substr(0, eq))) continue;
    env.push_back(std::move(entry));
  }
  for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
  return env;
}

}  // namespace

std::optional<std::string> FindOnPath(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) == 0) return program;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) return InvalidArgument("RunProcess needs a program to run");
  std::optional<std::string> program = FindOnPath(argv[0]);
  if (!program) return NotFound("program '" + argv[0] + "' was not found on PATH");

  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open()) return Internal(std::string("pipe: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read_end, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end, STDERR_FILENO);
  if (options.working_directory) {
    posix_spawn_file_actions_addchdir_np(&actions, options.working_directory->c_str());
  }

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage = BuildEnvironment(options.extra_env);
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);

  auto started = std::chrono::steady_clock::now();
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, program->c_str(), &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Internal("cannot start " + *program + ": " + std::strerror(rc));

  in.CloseRead();
  out.CloseWrite();
  err.CloseWrite();

  // Feeding stdin and draining stdout/stderr in one poll loop keeps a chatty child from deadlocking on a
  // full pipe while we are still writing its input.
  std::string to_write = options.stdin_data.value_or("");
  size_t stdin_offset = 0;
  if (to_write.empty()) in.CloseWrite();
  else ::fcntl(in.write_end, F_SETFL, O_NONBLOCK);

  ProcessResult result;
  auto deadline = started + options.timeout;
  char buffer[65536];
  while (out.read_end >= 0 || err.read_end >= 0) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3];
    int count = 0;
    int out_idx = -1, err_idx = -1, in_idx = -1;
    if (out.read_end >= 0) { out_idx = count; fds[count++] = {out.read_end, POLLIN, 0}; }
    if (err.read_end >= 0) { err_idx = count; fds[count++] = {err.read_end, POLLIN, 0}; }
    if (in.write_end >= 0) { in_idx = count; fds[count++] = {in.write_end, POLLOUT, 0}; }
    int wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) + 1;
    int ready = ::poll(fds, count, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    // Returns the bytes read this time (empty at EOF or with nothing ready).
    auto drain = [&](int idx, Pipe& pipe, std::string& sink) -> std::string_view {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return {};
      ssize_t n = ::read(pipe.read_end, buffer, sizeof buffer);
      if (n > 0) {
        sink.append(buffer, static_cast<size_t>(n));
        return std::string_view(buffer, static_cast<size_t>(n));
      }
      if (n == 0 || errno != EINTR) pipe.CloseRead();
      return {};
    };
    std::string_view piece = drain(out_idx, out, result.stdout_text);
    if (!piece.empty() && options.on_stdout && !options.on_stdout(piece)) {
      result.stopped = true;
      ::kill(pid, SIGKILL);
      break;
    }
    drain(err_idx, err, result.stderr_text);
    if (in_idx >= 0 && (fds[in_idx].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = ::write(in.write_end, to_write.data() + stdin_offset, to_write.size() - stdin_offset);
      if (n > 0) stdin_offset += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) in.CloseWrite();
      if (stdin_offset >= to_write.size()) in.CloseWrite();
    }
  }
  in.CloseWrite();

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) { result.signal = WTERMSIG(status); result.exit_code = -1; }
  return result;
}

Result<uint64_t> RaiseOpenFileSoftLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return Internal(std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(limit.rlim_cur);
}

}  // namespace kuscia::sys
