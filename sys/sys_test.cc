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

// A reader that has seen enough stops a child that would write forever; what it saw is in stdout_text.
TEST(ProcessTest, OnStdoutCanStopTheChild) {
  ProcessOptions options;
  std::string seen;
  options.on_stdout = [&](std::string_view piece) {
    seen.append(piece);
    return seen.size() < 10;
  };
  Result<ProcessResult> r = RunProcess({"yes", "kc"}, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_TRUE(r->stopped);
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->signal, SIGKILL);
  EXPECT_EQ(r->stdout_text, seen);
  EXPECT_EQ(r->stdout_text.substr(0, 6), "kc\nkc\n");
}

TEST(ProcessTest, OnStdoutSeesEveryByteOfAChildThatEnds) {
  ProcessOptions options;
  std::string seen;
  options.on_stdout = [&](std::string_view piece) {
    seen.append(piece);
    return true;
  };
  Result<ProcessResult> r = RunProcess({"sh", "-c", "echo one; echo two"}, options);
  ASSERT_THAT(r.status(), IsOk());
  EXPECT_FALSE(r->stopped);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(seen, "one\ntwo\n");
}

TEST(ProcessTest, MissingProgramIsNotFound) {
  EXPECT_THAT(RunProcess({"kc-no-such-program"}).status(),
              StatusIs(StatusCode::kNotFound, HasSubstr("kc-no-such-program")));
}

}  // namespace
}  // namespace kuscia::sys
