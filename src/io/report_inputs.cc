#include "io/report_inputs.h"

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace malscope {
namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string stem(const std::string& path) {
  if (ends_with(path, ".json.gz")) return path.substr(0, path.size() - 8);
  if (ends_with(path, ".json")) return path.substr(0, path.size() - 5);
  return path;
}

void add_file(const fs::path& p, const std::string& name, std::vector<ReportFile>& out) {
  std::error_code ec;
  uint64_t bytes = fs::file_size(p, ec);
  if (ec) throw Error(fmt::format("cannot read '{}': {}", p.string(), ec.message()));
  out.push_back({p.string(), stem(name), bytes, ends_with(p.string(), ".gz")});
}

void add_folder(const fs::path& dir, std::vector<ReportFile>& out) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && is_report_path(it->path().string())) found.push_back(it->path());
  }
  if (ec) throw Error(fmt::format("cannot list folder '{}': {}", dir.string(), ec.message()));
  if (found.empty())
    throw Error(fmt::format("folder '{}' holds no .json or .json.gz report", dir.string()));
  std::sort(found.begin(), found.end());
  for (const fs::path& p : found) add_file(p, fs::relative(p, dir, ec).string(), out);
}

void add_input(const std::string& in, std::vector<ReportFile>& out);

void add_list(const std::string& list, std::vector<ReportFile>& out) {
  std::ifstream f(list);
  if (!f) throw Error(fmt::format("cannot open list file '{}'", list));
  const fs::path base = fs::path(list).parent_path();
  std::string line;
  uint64_t n = 0;
  size_t before = out.size();
  while (std::getline(f, line)) {
    ++n;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    fs::path p(line.substr(start));
    if (p.is_relative()) p = base / p;
    std::error_code ec;
    if (!fs::exists(p, ec))
      throw Error(fmt::format("{}:{}: no such file or folder '{}'", list, n, p.string()));
    if (!fs::is_directory(p, ec) && !is_report_path(p.string()))
      throw Error(
          fmt::format("{}:{}: '{}' is not a .json or .json.gz report", list, n, p.string()));
    add_input(p.string(), out);
  }
  if (out.size() == before) throw Error(fmt::format("list file '{}' names no report", list));
}

void add_input(const std::string& in, std::vector<ReportFile>& out) {
  std::error_code ec;
  if (!fs::exists(in, ec)) throw Error(fmt::format("cannot open '{}': no such file or folder", in));
  if (fs::is_directory(in, ec)) return add_folder(in, out);
  if (is_list_path(in)) return add_list(in, out);
  if (is_report_path(in)) return add_file(in, in, out);
  throw UsageError(fmt::format(
      "'{}' is not a report (.json, .json.gz), a folder of reports or a list file (.txt, .list)",
      in));
}

}  // namespace

bool is_report_path(const std::string& path) {
  return ends_with(path, ".json") || ends_with(path, ".json.gz");
}

bool is_list_path(const std::string& path) {
  return ends_with(path, ".txt") || ends_with(path, ".list");
}

std::vector<ReportFile> expand_report_inputs(std::span<const std::string> inputs) {
  std::vector<ReportFile> out;
  for (const std::string& in : inputs) add_input(in, out);
  return out;
}

}  // namespace malscope
