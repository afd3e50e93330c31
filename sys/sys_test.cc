#include <sys/stat.h>

#include <gtest/gtest.h>

#include "sys/files.h"
#include "sys/process.h"
#include "testing/status_matchers.h"

namespace kuscia::sys {
namespace {

using ::kuscia::testing::IsOk;
using ::kuscia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FilesTest, AtomicWriteSetsExactModeRegardlessOfUmask) {
  TempDir dir;
  mode_t old = ::umask(0);
  Status written = WriteFileAtomic(dir.path() / "key.pem", "secret", 0600);
  ::umask(old);
  ASSERT_THAT(written, IsOk());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*ReadFile(dir.path() / "key.pem"), "secret");
  // Nothing but the final file is left in the directory.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(FilesTest, ReadingAMissingFileIsNotFound) {
  TempDir dir;
  EXPECT_THAT(ReadFile(dir.path() / "absent").status(), StatusIs(StatusCode::kNotFound, HasSubstr("absent")));
}

TEST(FilesTest, DirectoryUnderAFileIsRejected) {
  TempDir dir;
  ASSERT_THAT(WriteFileAtomic(dir.path() / "plain", "x"), IsOk());
  EXPECT_FALSE(EnsureWritableDirectory(dir.path() / "plain" / "sub").ok());
  EXPECT_THAT(EnsureWritableDirectory(dir.path() / "a" / "b"), IsOk());
}

TEST(TempDirTest, RemovedOnDestruction) {
  std::filesystem::path where;
  {
    TempDir dir("kc-test");
    where = dir.path();
    ASSERT_THAT(WriteFileAtomic(where / "f", "x"), IsOk());
  }
  EXPECT_FALSE(std::filesystem::exists(where));
}

TEST(ProcessTest, CapturesOutputAndExitCode) {
  Result<ProcessResult> r = RunProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_text, "err\n");
  EXPECT_FALSE(r->timed_out);
}

TEST(ProcessTest, FeedsStdin) {
  ProcessOptions options;
  options.stdin_data = std::string(200000, 'x');
  Result<ProcessResult> r = RunProcess({"wc", "-c"}, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_EQ(r->stdout_text.substr(0, 6), "200000");
}

TEST(ProcessTest, TimeoutKillsTheChild) {
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(200);
  Result<ProcessResult> r = RunProcess({"sleep", "30"}, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
}

TEST(ProcessTest, MissingProgramIsNotFound) {
  EXPECT_THAT(RunProcess({"kc-no-such-program"}).status(),
              StatusIs(StatusCode::kNotFound, HasSubstr("kc-no-such-program")));
}

}  // namespace
}  // namespace kuscia::sys
