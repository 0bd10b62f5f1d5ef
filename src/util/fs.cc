#include "util/fs.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "util/error.h"
#include "util/output.h"

namespace malscope {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

constexpr size_t kWriteBuffer = 4 << 20;

}  // namespace

InputFile::InputFile(const std::string& path) {
  if (path == "-") {
    fd_ = 0;
    name_ = "<stdin>";
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(fmt::format("cannot open '{}': {}", path, errno_text()));
    owned_ = true;
    name_ = path;
  }
  struct stat st;
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    size_ = static_cast<uint64_t>(st.st_size);
  } else if (owned_ && ::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw Error(fmt::format("'{}' is a directory, expected a CSV file", path));
  }
#ifdef POSIX_FADV_SEQUENTIAL
  if (size_) ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
}

InputFile::~InputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

size_t InputFile::read(char* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd_, buf + got, n - got);
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("error reading '{}': {}", name_, errno_text()));
    }
    got += static_cast<size_t>(r);
  }
  return got;
}

FileSpan::FileSpan(const InputFile& file, uint64_t offset, size_t length) : size_(length) {
  if (length == 0) return;
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t start = offset / page * page;
  map_length_ = static_cast<size_t>(offset - start) + length;
  base_ = ::mmap(nullptr, map_length_, PROT_READ, MAP_SHARED, file.fd(), static_cast<off_t>(start));
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    throw Error(fmt::format("cannot map '{}': {}", file.name(), errno_text()));
  }
  ::madvise(base_, map_length_, MADV_SEQUENTIAL);
  data_ = static_cast<const char*>(base_) + (offset - start);
}

FileSpan::~FileSpan() {
  if (base_) ::munmap(base_, map_length_);
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_ == "-")
    throw UsageError("this output cannot go to standard output ('-'): it is written in place");
  check_output_file(path_);
  tmp_ = temp_path_beside(path_);
  fd_ = ::open(tmp_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("cannot create '{}': {}", tmp_, errno_text()));
  reg_ = TempRegistration(tmp_);
  buf_.reserve(kWriteBuffer);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::flush() {
  size_t done = 0;
  while (done < buf_.size()) {
    ssize_t w = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("error writing '{}': {}", tmp_, errno_text()));
    }
    done += static_cast<size_t>(w);
  }
  buf_.clear();
}

void AtomicFile::write(const void* data, size_t n) {
  if (buf_.size() + n > kWriteBuffer) flush();
  if (n >= kWriteBuffer) {
    buf_.assign(static_cast<const char*>(data), n);
    flush();
  } else {
    buf_.append(static_cast<const char*>(data), n);
  }
  offset_ += n;
}

void AtomicFile::pwrite(uint64_t offset, const void* data, size_t n) {
  flush();
  if (::pwrite(fd_, data, n, static_cast<off_t>(offset)) != static_cast<ssize_t>(n))
    throw Error(fmt::format("error writing '{}': {}", tmp_, errno_text()));
}

void AtomicFile::pread(uint64_t offset, void* data, size_t n) {
  flush();
  if (::pread(fd_, data, n, static_cast<off_t>(offset)) != static_cast<ssize_t>(n))
    throw Error(fmt::format("error reading back '{}': {}", tmp_, errno_text()));
}

void AtomicFile::commit() {
  flush();
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw Error(fmt::format("error closing '{}': {}", tmp_, errno_text()));
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0)
    throw Error(fmt::format("cannot rename '{}' to '{}': {}", tmp_, path_, errno_text()));
  committed_ = true;
}

void write_file_atomic(const std::string& path, std::string_view content) {
  AtomicFile f(path);
  f.write(content);
  f.commit();
}

std::string read_file(const std::string& path) {
  InputFile in(path);
  std::string out;
  if (in.size()) out.reserve(*in.size());
  char buf[1 << 16];
  for (size_t n; (n = in.read(buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(fmt::format("cannot open '{}': {}", path, errno_text()));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(fmt::format("'{}' is not a regular file", path));
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw Error(fmt::format("cannot map '{}': {}", path, errno_text()));
    }
    data_ = static_cast<const char*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  release();
}

void MappedFile::release() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : data_(o.data_), size_(o.size_), path_(std::move(o.path_)) {
  o.data_ = nullptr;
  o.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    release();
    data_ = o.data_;
    size_ = o.size_;
    path_ = std::move(o.path_);
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

}  // namespace malscope
