// Safe outputs: never through a link, never over a device or folder, never onto an input, no
// predictable temporary name, nothing left behind by an error or a signal.
#include "util/output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "test_util.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

size_t entries(const fs::path& dir) {
  size_t n = 0;
  for (auto& e : fs::directory_iterator(dir)) n += !e.path().empty();
  return n;
}

TEST(SafeOutput, RefusesLinksDevicesFoldersAndEmptyNames) {
  TempDir dir;
  write_text(dir.file("victim"), "keep");
  fs::create_symlink(dir.file("victim"), dir.file("link"));
  EXPECT_THROW(write_file_atomic(dir.file("link"), "x"), Error);
  EXPECT_EQ(read_text(dir.file("victim")), "keep");
  EXPECT_TRUE(fs::is_symlink(dir.file("link")));
  try {
    write_file_atomic("/dev/null", "x");
    FAIL() << "wrote over /dev/null";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("a device"));
  }
  struct stat st;
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  fs::create_directory(dir.file("d"));
  EXPECT_THROW(write_file_atomic(dir.file("d"), "x"), Error);
  EXPECT_THROW(write_file_atomic("", "x"), UsageError);
  EXPECT_THROW(AtomicFile("-"), UsageError);
}

TEST(SafeOutput, TemporaryNamesAreUnpredictableAndNeverFollowed) {
  TempDir dir;
  // A link planted at the old predictable name changes nothing.
  write_text(dir.file("victim"), "keep");
  fs::create_symlink(dir.file("victim"), dir.file("out.store.tmp." + std::to_string(::getpid())));
  write_file_atomic(dir.file("out.store"), "new");
  EXPECT_EQ(read_text(dir.file("out.store")), "new");
  EXPECT_EQ(read_text(dir.file("victim")), "keep");
  // Two temporary names for one output differ.
  AtomicFile a(dir.file("x")), b(dir.file("x"));
  EXPECT_NE(a.temp_path(), b.temp_path());
  EXPECT_EQ(fs::path(a.temp_path()).parent_path(), dir.path());
}

TEST(SafeOutput, NothingLeftWhenAnErrorStopsTheWrite) {
  TempDir dir;
  {
    AtomicFile f(dir.file("out"));
    f.write("partial");
  }
  EXPECT_EQ(entries(dir.path()), 0u);
  {
    OutputDir d(dir.file("folder"));
    write_new_file(d.temp_path() + "/a.csv", "x");
  }
  EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(SafeOutput, ASignalRemovesTheTemporaryFiles) {
  TempDir dir;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::signal(SIGTERM, [](int sig) {
      remove_registered_temps();
      ::signal(sig, SIG_DFL);
      ::raise(sig);
    });
    AtomicFile f(dir.file("out"));
    f.write("partial");
    OutputDir d(dir.file("folder"));
    write_new_file(d.temp_path() + "/a.csv", "x");
    fs::create_directory(d.temp_path() + "/sub");
    write_new_file(d.temp_path() + "/sub/b.csv", "y");
    ::raise(SIGTERM);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(SafeOutput, OutputEqualToAnInputIsAUsageError) {
  TempDir dir;
  write_text(dir.file("a.csv"), "x");
  fs::create_symlink(dir.file("a.csv"), dir.file("alias.csv"));
  std::vector<std::string> inputs = {dir.file("alias.csv")};
  EXPECT_THROW(check_not_input(dir.file("a.csv"), inputs), UsageError);
  EXPECT_NO_THROW(check_not_input(dir.file("b.csv"), inputs));
  EXPECT_NO_THROW(check_not_input("-", inputs));
}

TEST(SafeOutput, FoldersReplaceOnlyWhatMalscopeWrote) {
  TempDir dir;
  {
    OutputDir d(dir.file("out"));
    write_new_file(d.temp_path() + "/one.csv", "1");
    d.commit();
  }
  {
    OutputDir d(dir.file("out"));  // ours: replaced as a whole
    write_new_file(d.temp_path() + "/two.csv", "2");
    d.commit();
  }
  EXPECT_FALSE(fs::exists(dir.file("out/one.csv")));
  EXPECT_EQ(read_text(dir.file("out/two.csv")), "2");
  EXPECT_EQ(entries(dir.path()), 1u);  // no old or temporary folder left
  fs::create_directory(dir.file("mine"));
  write_text(dir.file("mine/notes.txt"), "keep");
  EXPECT_THROW(OutputDir(dir.file("mine")), Error);
  EXPECT_EQ(read_text(dir.file("mine/notes.txt")), "keep");
  fs::create_directory(dir.file("empty"));
  OutputDir e(dir.file("empty"));
  e.commit();
  EXPECT_THROW(OutputDir(""), UsageError);
  EXPECT_THROW(OutputDir("-"), UsageError);
}

TEST(SafeOutput, DashIsStandardOutput) {
  TempDir dir;
  int saved = ::dup(1);
  ASSERT_GE(saved, 0);
  FILE* f = std::fopen(dir.file("captured").c_str(), "w");
  ASSERT_NE(f, nullptr);
  ::dup2(::fileno(f), 1);
  write_output("-", "to stdout\n");
  ::dup2(saved, 1);
  ::close(saved);
  std::fclose(f);
  EXPECT_EQ(read_text(dir.file("captured")), "to stdout\n");
  EXPECT_FALSE(fs::exists("-"));
}

}  // namespace
}  // namespace malscope
