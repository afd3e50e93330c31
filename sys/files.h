// Files the way this project writes them: whole, atomically, and with the right mode.
//
// A private key must never exist, even briefly, with a mode wider than 0600, and a crash must never
// leave a half-written file behind; so every write goes to a temp file in the same folder (created
// with the final mode) and is renamed into place.
//
//   KC_RETURN_IF_ERROR(sys::WriteFileAtomic(dir / "ca.key", pem, 0600));
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "api/status.h"

namespace kuscia::sys {

Result<std::string> ReadFile(const std::filesystem::path& path);

// Writes `content` to `path` via a temp file + rename; the file is created with `mode` (umask ignored).
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644);

// Creates `dir` (and parents) if needed and checks that a file can be created in it.
Status EnsureWritableDirectory(const std::filesystem::path& dir);

// A fresh directory under $TMPDIR (or /tmp) removed with everything in it when the object dies.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "kuscia");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Keeps the directory on destruction (for debugging a failed run).
  void Keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace kuscia::sys
