// End-to-end: a signal while `ingest - -o s.store` waits for more of a slow standard input
// removes the temporary store and ends the run as the signal would (issue 14: it stayed).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace malscope {
namespace {

namespace fs = std::filesystem;
using testing_util::TempDir;
using Clock = std::chrono::steady_clock;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Waits (at most `limit`) for `pid` to end; kills it if it does not. Returns its wait status, or
// -1 when it had to be killed.
int wait_for(pid_t pid, std::chrono::seconds limit) {
  int status = 0;
  for (auto end = Clock::now() + limit; Clock::now() < end;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

void write_all(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;  // the reader is gone; the test says why
    done += static_cast<size_t>(n);
  }
}

TEST(SignalCli, IngestFromASlowPipeLeavesNoTemporaryStore) {
  // The test writes to a pipe whose reader dies: a failed write, not a SIGPIPE, for the test.
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    SCOPED_TRACE(::strsignal(sig));
    TempDir dir;
    const std::string out = dir.file("s.store");
    int in[2];
    ASSERT_EQ(::pipe(in), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::dup2(in[0], 0);
      ::close(in[0]);
      ::close(in[1]);
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      // The signals as a shell gives them to a foreground job (gtest may have changed them).
      for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_DFL);
      ::execl(MALSCOPE_BIN, MALSCOPE_BIN, "ingest", "-", "-o", out.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(in[0]);
    // Rows come in small writes until the temporary store stands beside the output (the reader
    // takes in 64 kB before it looks at the header); the pipe stays open, so the run is waiting
    // for more input when the signal comes.
    write_all(in[1], "file_id,label,api,tid,index\n");
    bool temp_seen = false;
    int row = 0;
    for (auto end = Clock::now() + std::chrono::seconds(60); !temp_seen && Clock::now() < end;) {
      std::string rows;
      for (int i = 0; i < 200; ++i, ++row)
        rows += "f" + std::to_string(row / 1000) + ",1,NtClose,1," + std::to_string(row) + "\n";
      write_all(in[1], rows);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      for (const std::string& name : entries(dir.path()))
        temp_seen |= name.find("s.store") != std::string::npos;
    }
    EXPECT_TRUE(temp_seen) << "no temporary store appeared while the input was read";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(::kill(pid, sig), 0);
    int status = wait_for(pid, std::chrono::seconds(30));
    ::close(in[1]);
    ASSERT_NE(status, -1) << "malscope did not end within 30 s of the signal";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig)
        << "wait status " << status << ": not ended by the signal";
    EXPECT_EQ(entries(dir.path()), std::vector<std::string>{}) << "left behind after the signal";
  }
  ::sigaction(SIGPIPE, &old, nullptr);
}

}  // namespace
}  // namespace malscope
