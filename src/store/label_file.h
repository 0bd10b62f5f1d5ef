#pragma once
// The labels file of an ingest of sandbox reports (`ingest --labels FILE`): a CSV with a header
// naming an id column (`sha256`, `md5` or `file_id`) and a label column (`label`, `family` or
// `classification_family`, as in Avast-CTU's public_labels.csv), in any order, other columns
// ignored. A label is a class number (0-999) or a class name, and how names become numbers is
// decided once, for the whole file:
//   - with --class-names, a name is its position in that list (a number is taken as is);
//   - names that are all "normal"/"malware", or all Tianchi class names, keep the numbers those
//     names have in malscope's defaults (store/class_names.h), so a labels file written from a
//     store's names labels a new store the same way;
//   - other names are numbered in alphabetical (byte) order.
#include <memory>
#include <string>
#include <vector>

#include "io/label_map.h"

namespace malscope {

/// A labels file, read.
struct LabelFile {
  std::shared_ptr<LabelMap> map;         ///< file_id -> label
  std::vector<std::string> class_names;  ///< one per class; empty when labels were numbers
};

/// Reads `path`; `class_names` as --class-names gives them (empty: none). Throws Error naming
/// the file and line for a missing column, an empty or unknown label, a file_id given two
/// different labels, or numbers mixed with names.
LabelFile read_label_file(const std::string& path, const std::vector<std::string>& class_names);

}  // namespace malscope
