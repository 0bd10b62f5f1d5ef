#include "util/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "util/error.h"
#include "util/fs.h"

namespace malscope {
namespace fs = std::filesystem;

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a folder";
  if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

void write_all(int fd, std::string_view s, const std::string& name) {
  while (!s.empty()) {
    ssize_t w = ::write(fd, s.data(), s.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("error writing '{}': {}", name, errno_text()));
    }
    s.remove_prefix(static_cast<size_t>(w));
  }
}

}  // namespace

void check_output_file(const std::string& path) {
  if (path.empty()) throw UsageError("an output path is empty");
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;  // nothing there yet
  if (S_ISLNK(st.st_mode))
    throw Error(
        fmt::format("'{}' is a symbolic link; malscope does not write through links "
                    "(give the link's target, or another name)",
                    path));
  if (!S_ISREG(st.st_mode))
    throw Error(
        fmt::format("'{}' is {}; malscope only replaces regular files", path, kind_of(st.st_mode)));
}

void check_not_input(const std::string& output, std::span<const std::string> inputs) {
  struct stat out;
  if (output == "-" || ::stat(output.c_str(), &out) != 0) return;
  for (const std::string& in : inputs) {
    struct stat st;
    if (in != "-" && ::stat(in.c_str(), &st) == 0 && st.st_dev == out.st_dev &&
        st.st_ino == out.st_ino)
      throw UsageError(
          fmt::format("the output '{}' is an input too ('{}'); give another name", output, in));
  }
}

void write_output(const std::string& path, std::string_view content) {
  if (path == "-") {
    write_all(1, content, "<stdout>");
    return;
  }
  write_file_atomic(path, content);
}

void write_new_file(const std::string& path, std::string_view content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(fmt::format("cannot create '{}': {}", path, errno_text()));
  try {
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw Error(fmt::format("error closing '{}': {}", path, errno_text()));
}

OutputDir::OutputDir(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw UsageError("an output folder is empty");
  if (path_ == "-") throw UsageError("a folder cannot be written to standard output ('-')");
  struct stat st;
  if (::lstat(path_.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode))
      throw Error(
          fmt::format("'{}' is a symbolic link; malscope does not write through links", path_));
    if (!S_ISDIR(st.st_mode))
      throw Error(fmt::format("'{}' exists and is {}; expected a folder", path_,
                              S_ISREG(st.st_mode) ? "a file" : kind_of(st.st_mode)));
    std::error_code ec;
    bool ours = fs::exists(fs::path(path_) / kMarker, ec);
    if (!ours && !fs::is_empty(path_, ec))
      throw Error(
          fmt::format("'{}' is a folder that malscope did not write and is not empty; "
                      "give a new or empty folder",
                      path_));
  }
  std::string parent = fs::path(path_).parent_path().string();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw Error(fmt::format("cannot create folder '{}': {}", parent, ec.message()));
  }
  tmp_ = temp_path_beside(path_);
  if (::mkdir(tmp_.c_str(), 0755) != 0)
    throw Error(fmt::format("cannot create folder '{}': {}", tmp_, errno_text()));
  reg_ = TempRegistration(tmp_);
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void OutputDir::commit() {
  write_new_file((fs::path(tmp_) / kMarker).string(),
                 "This folder was written by malscope; malscope may replace it.\n");
  std::string old;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    if (errno != ENOTEMPTY && errno != EEXIST)
      throw Error(fmt::format("cannot rename '{}' to '{}': {}", tmp_, path_, errno_text()));
    // An earlier output: moved aside, the new one put in place, then the old one removed.
    old = temp_path_beside(path_);
    if (::rename(path_.c_str(), old.c_str()) != 0)
      throw Error(fmt::format("cannot replace '{}': {}", path_, errno_text()));
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      std::string why = errno_text();
      ::rename(old.c_str(), path_.c_str());  // put the earlier output back
      throw Error(fmt::format("cannot replace '{}': {}", path_, why));
    }
  }
  committed_ = true;
  if (!old.empty()) {
    std::error_code ec;
    fs::remove_all(old, ec);
  }
}

}  // namespace malscope
