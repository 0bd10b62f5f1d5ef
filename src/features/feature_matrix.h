#pragma once
// FeatureMatrix: the one data type between features and models. Rows are files, stored CSR with
// float values; every column has a name so importances read as words.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace malscope {

struct FeatureMatrix {
  std::vector<uint64_t> indptr{0};        ///< row r is [indptr[r], indptr[r+1])
  std::vector<uint32_t> indices;          ///< column of each stored value, ascending within a row
  std::vector<float> values;              ///< stored values (zeros may be omitted)
  /// One name per column, shared (the matrices a pipeline makes share its names: transforming
  /// one trace copies none of them).
  std::shared_ptr<const std::vector<std::string>> names;
  std::vector<uint32_t> files;            ///< store file number of each row
  std::vector<int32_t> labels;            ///< label of each row (-1 when unlabeled)
  /// Weight of each row, multiplying its class weight in the models that take row weights
  /// (xgb); empty: every row 1. Hardened training gives its attacked copies less than 1.
  std::vector<float> weights;
  /// Exact-duplicate key of each row (Sketches::key: equal for copies of one trace), which the
  /// early-stopping holdouts keep together; empty: none known.
  std::vector<uint64_t> keys;

  size_t rows() const { return indptr.size() - 1; }
  /// Weight of row r (1 without weights).
  float weight(size_t r) const { return weights.empty() ? 1.0f : weights[r]; }
  size_t cols() const { return names ? names->size() : 0; }
  /// The column names (empty without any).
  const std::vector<std::string>& column_names() const {
    static const std::vector<std::string> kNone;
    return names ? *names : kNone;
  }
  void set_column_names(std::vector<std::string> n) {
    names = std::make_shared<const std::vector<std::string>>(std::move(n));
  }
  size_t nnz() const { return values.size(); }
};

}  // namespace malscope
