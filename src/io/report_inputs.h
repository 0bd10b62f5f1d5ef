#pragma once
// Which files a set of report inputs names: report files (`.json`, `.json.gz`), folders of them
// (searched recursively, files in path order) and list files (`.txt`, `.list`: one path a line,
// relative to the list's folder; blank lines and lines starting with '#' skipped).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace malscope {

/// One report file to read.
struct ReportFile {
  std::string path;    ///< as found, for messages
  std::string name;    ///< the path without .json / .json.gz, relative to the folder it was
                       ///< found in: the file_id when the report names no sample
  uint64_t bytes = 0;  ///< size on disk
  bool gzipped = false;
};

/// Whether a path names a report file by its extension (.json, .json.gz).
bool is_report_path(const std::string& path);
/// Whether a path names a list file by its extension (.txt, .list).
bool is_list_path(const std::string& path);

/// The report files the inputs name, in input order (a folder's in path order). Throws Error
/// naming an input that does not exist, a folder that holds no report, or a list line naming a
/// missing file; UsageError for an input that is none of the three.
std::vector<ReportFile> expand_report_inputs(std::span<const std::string> inputs);

}  // namespace malscope
