#pragma once
// File I/O: streaming input (a path or "-" for stdin), atomic output (temp name + rename, removed
// on failure so nothing half-written is left), and read-only memory maps.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/temp_files.h"

namespace malscope {

/// Sequential reader over a file or standard input ("-").
class InputFile {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Reads up to n bytes; returns 0 at end of input. Throws Error on a read failure.
  size_t read(char* buf, size_t n);
  /// Size in bytes when the input is a regular file (for progress and ETA).
  std::optional<uint64_t> size() const { return size_; }
  /// The name to use in messages ("<stdin>" for "-").
  const std::string& name() const { return name_; }
  /// Whether the input is a named regular file, which FileSpan can map.
  bool mappable() const { return owned_ && size_.has_value(); }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
  std::string name_;
  std::optional<uint64_t> size_;
};

/// Bytes [offset, offset + length) of an open regular file, mapped read-only for sequential
/// reading; unmapped on destruction (so resident memory stays bounded while a large file is
/// streamed through a sequence of spans).
class FileSpan {
 public:
  FileSpan(const InputFile& file, uint64_t offset, size_t length);
  ~FileSpan();
  FileSpan(const FileSpan&) = delete;
  FileSpan& operator=(const FileSpan&) = delete;

  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void* base_ = nullptr;
  size_t map_length_ = 0;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

/// Output written under a temporary name and renamed onto `path` by commit(); if the object is
/// destroyed without commit() (an error was thrown), the temporary file is removed, and a signal
/// removes it too (util/temp_files.h). The rules of util/output.h hold: `path` must not be a link
/// or anything but a regular file; the temporary name is unpredictable and created exclusively.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends bytes at the end.
  void write(const void* data, size_t n);
  void write(std::string_view s) { write(s.data(), s.size()); }
  /// Overwrites bytes at an absolute offset already written (e.g. a header patched at the end).
  void pwrite(uint64_t offset, const void* data, size_t n);
  /// Reads back bytes already written (flushes first).
  void pread(uint64_t offset, void* data, size_t n);
  /// Bytes written so far.
  uint64_t offset() const { return offset_; }
  /// Flushes, closes and renames onto the final path.
  void commit();
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return tmp_; }

 private:
  void flush();
  std::string path_, tmp_;
  TempRegistration reg_;
  int fd_ = -1;
  uint64_t offset_ = 0;
  std::string buf_;
  bool committed_ = false;
};

/// Writes a whole file atomically.
void write_file_atomic(const std::string& path, std::string_view content);
/// Reads a whole file; throws Error naming the path on failure.
std::string read_file(const std::string& path);

/// A read-only memory map of a whole file.
class MappedFile {
 public:
  MappedFile() = default;
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return data_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  void release();
  const char* data_ = nullptr;
  uint64_t size_ = 0;
  std::string path_;
};

}  // namespace malscope
