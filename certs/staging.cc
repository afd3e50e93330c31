#include "certs/staging.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace kuscia::certs {
namespace fs = std::filesystem;

namespace {

Status CannotWrite(const fs::path& target, const std::string& reason) {
  return PermissionDenied("cannot write to " + target.string() + ": " + reason);
}

}  // namespace

Result<StagedOutput> StagedOutput::Begin(const fs::path& target) {
  if (target.empty()) return InvalidArgument("no output directory given");
  fs::path absolute = fs::absolute(target).lexically_normal();
  if (absolute.has_filename() == false) absolute = absolute.parent_path();

  // Remember the outermost missing ancestor so a failure can remove exactly what was created.
  std::optional<fs::path> created_root;
  std::error_code ec;
  for (fs::path p = absolute; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    created_root = p;
    if (p == p.parent_path()) break;
  }
  fs::create_directories(absolute, ec);
  if (ec) {
    std::string reason = ec.message();  // remove_all below reuses ec
    if (created_root) fs::remove_all(*created_root, ec);
    return CannotWrite(absolute, reason);
  }
  if (!fs::is_directory(absolute)) return CannotWrite(absolute, "it exists and is not a directory");

  std::string pattern = (absolute / ".kuscia-staging-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::string reason = std::strerror(errno);
    if (created_root) fs::remove_all(*created_root, ec);
    return CannotWrite(absolute, reason);
  }
  return StagedOutput(absolute, fs::path(pattern), created_root);
}

StagedOutput::StagedOutput(fs::path target, fs::path staging, std::optional<fs::path> created_root)
    : target_(std::move(target)), staging_(std::move(staging)), created_root_(std::move(created_root)) {}

StagedOutput::StagedOutput(StagedOutput&& other) noexcept
    : target_(std::move(other.target_)),
      staging_(std::move(other.staging_)),
      created_root_(std::move(other.created_root_)),
      done_(other.done_) {
  other.done_ = true;
}

StagedOutput::~StagedOutput() {
  if (!done_) Abandon();
}

void StagedOutput::Abandon() {
  done_ = true;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
  if (created_root_) fs::remove_all(*created_root_, ignored);
}

Status StagedOutput::Commit() {
  if (done_) return FailedPrecondition("staged output was already committed or abandoned");
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(staging_, ec)) entries.push_back(entry.path());
  if (ec) {
    Abandon();
    return CannotWrite(target_, ec.message());
  }
  for (const fs::path& entry : entries) {
    fs::path destination = target_ / entry.filename();
    // rename() replaces a file atomically but refuses a non-empty directory, so an old one goes first.
    if (fs::is_directory(entry) && fs::exists(destination)) fs::remove_all(destination, ec);
    if (!ec) fs::rename(entry, destination, ec);
    if (ec) {
      Abandon();
      return CannotWrite(destination, ec.message());
    }
  }
  done_ = true;
  fs::remove(staging_, ec);
  return OkStatus();
}

}  // namespace kuscia::certs
