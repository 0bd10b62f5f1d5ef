#pragma once
// Helpers shared by the tests: unique temporary folders, writing small files, running the CLI.
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace malscope::testing_util {

/// A fresh folder under the test temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("malscope_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  /// Path of `name` inside the folder.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Result of running a shell command.
struct RunResult {
  int code = -1;
  std::string out;  ///< stdout and stderr together
};

/// Runs `command` with /bin/sh, capturing stdout+stderr.
inline RunResult run(const std::string& command) {
  RunResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// Runs the malscope CLI with the given arguments.
inline RunResult malscope(const std::string& args) {
  return run(std::string(MALSCOPE_BIN) + " " + args);
}

/// The shared data folder, or "" when ../shared is not beside the repo.
inline std::string shared_dir() {
  std::filesystem::path p(MALSCOPE_SHARED_DIR);
  return std::filesystem::exists(p / "data") ? p.string() : "";
}

}  // namespace malscope::testing_util
