// All-or-nothing output: files are written into a hidden staging folder inside the target and moved into
// place only when every one of them was written. On failure (or when the object dies uncommitted) the
// staging folder and any directories Begin() had to create are removed, so nothing half-written remains.
//
//   KC_ASSIGN_OR_RETURN(StagedOutput out, StagedOutput::Begin(dir));
//   KC_RETURN_IF_ERROR(sys::WriteFileAtomic(out.staging() / "ca.key", pem, 0600));
//   KC_RETURN_IF_ERROR(out.Commit());   // renames each top-level entry over the target's
#pragma once

#include <filesystem>
#include <optional>

#include "api/status.h"

namespace kuscia::certs {

class StagedOutput {
 public:
  // PermissionDenied naming `target` when it cannot be created or written.
  static Result<StagedOutput> Begin(const std::filesystem::path& target);

  StagedOutput(StagedOutput&& other) noexcept;
  StagedOutput& operator=(StagedOutput&&) = delete;
  StagedOutput(const StagedOutput&) = delete;
  ~StagedOutput();

  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  // Moves every top-level entry of staging() into target(), replacing entries of the same name.
  Status Commit();

 private:
  StagedOutput(std::filesystem::path target, std::filesystem::path staging,
               std::optional<std::filesystem::path> created_root);
  void Abandon();

  std::filesystem::path target_;
  std::filesystem::path staging_;
  std::optional<std::filesystem::path> created_root_;  // the outermost directory Begin() created, if any
  bool done_ = false;
};

}  // namespace kuscia::certs
