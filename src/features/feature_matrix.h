#pragma once
// FeatureMatrix: the one data type between features and models. Rows are files, stored CSR with
// float values; every column has a name so importances read as words.
#include <cstdint>
#include <string>
#include <vector>

namespace malscope {

struct FeatureMatrix {
  std::vector<uint64_t> indptr{0};        ///< row r is [indptr[r], indptr[r+1])
  std::vector<uint32_t> indices;          ///< column of each stored value, ascending within a row
  std::vector<float> values;              ///< stored values (zeros may be omitted)
  std::vector<std::string> column_names;  ///< one per column
  std::vector<uint32_t> files;            ///< store file number of each row
  std::vector<int32_t> labels;            ///< label of each row (-1 when unlabeled)

  size_t rows() const { return indptr.size() - 1; }
  size_t cols() const { return column_names.size(); }
  size_t nnz() const { return values.size(); }
};

}  // namespace malscope
