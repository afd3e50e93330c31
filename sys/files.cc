#include "sys/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace kuscia::sys {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

Status ErrnoStatus(int err, const std::string& what) {
  if (err == ENOENT) return NotFound(what + ": " + ErrnoText(err));
  if (err == EACCES || err == EPERM || err == EROFS) return PermissionDenied(what + ": " + ErrnoText(err));
  return Internal(what + ": " + ErrnoText(err));
}

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  std::ostringstream out;
  out << std::hex << rng();
  return out.str();
}

}  // namespace

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoStatus(errno, "cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Internal("error while reading " + path.string());
  return content.str();
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content, unsigned mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + RandomSuffix();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus(errno, "cannot create " + path.string());
  // open() applies the umask; the mode must be exactly what was asked (0600 keys, 0644 certs).
  if (::fchmod(fd, mode) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoStatus(err, "cannot set the mode of " + path.string());
  }
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return ErrnoStatus(err, "cannot write " + path.string());
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(err, "cannot flush " + path.string());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(err, "cannot move " + tmp.string() + " to " + path.string());
  }
  return OkStatus();
}

Status EnsureWritableDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "cannot create directory " + dir.string());
  if (!std::filesystem::is_directory(dir)) return InvalidArgument(dir.string() + " exists and is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return ErrnoStatus(errno, "directory " + dir.string() + " is not writable");
  return OkStatus();
}

TempDir::TempDir(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    // Without a temp dir nothing hermetic can run; failing loudly beats writing somewhere shared.
    std::abort();
  }
  path_ = pattern;
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)), keep_(other.keep_) {
  other.path_.clear();
}

TempDir::~TempDir() {
  if (keep_ || path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace kuscia::sys
