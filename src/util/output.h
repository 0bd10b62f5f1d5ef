#pragma once
// Safe outputs, one set of rules for every command that writes: never through a symbolic link,
// never over anything but a regular file (a device, a FIFO, a folder), never onto an input, and
// nothing half-written (files and folders are written under an unpredictable temporary name in
// the output's own folder, created exclusively, and renamed into place at the end). "-" means
// standard output where a command writes one stream.
#include <span>
#include <string>
#include <string_view>

#include "util/temp_files.h"

namespace malscope {

/// Throws Error unless `path` may be replaced by a new regular file: not empty, and not an
/// existing symbolic link, folder, device, FIFO or socket.
void check_output_file(const std::string& path);

/// Throws UsageError when `output` is one of `inputs` (the same file by device and inode, so
/// links and other spellings of a path count too).
void check_not_input(const std::string& output, std::span<const std::string> inputs);

/// Writes `content` to `path` atomically, or to standard output when `path` is "-".
void write_output(const std::string& path, std::string_view content);

/// Creates `path` exclusively (never following a link) and writes `content`; for files inside a
/// folder malscope is creating (an OutputDir), where nothing else may stand.
void write_new_file(const std::string& path, std::string_view content);

/// A folder written as a whole: files go into a temporary folder beside it, renamed onto `path`
/// by commit(); removed if commit() never runs. An existing `path` must be an empty folder or one
/// malscope wrote (it holds the marker file), which commit() then replaces.
class OutputDir {
 public:
  explicit OutputDir(std::string path);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  /// The folder to write into until commit().
  const std::string& temp_path() const { return tmp_; }
  /// The final path.
  const std::string& path() const { return path_; }
  /// Puts the folder in place (replacing an earlier one malscope wrote).
  void commit();

  /// The marker file every folder malscope writes holds.
  static constexpr std::string_view kMarker = ".malscope-output";

 private:
  std::string path_, tmp_;
  TempRegistration reg_;
  bool committed_ = false;
};

}  // namespace malscope
