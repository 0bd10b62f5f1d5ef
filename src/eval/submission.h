#pragma once
// Submissions in the Tianchi format: a header `file_id,prob0,...,prob{K-1}`, then one row per
// file with K probabilities, each in [1e-6, 1 - 1e-6], summing to 1. Also the labels table
// (`file_id,label`) that `evaluate` scores a submission against.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/predictions.h"

namespace malscope {

/// A submission read back: file ids and their probabilities, in file order.
struct Submission {
  std::vector<std::string> file_ids;
  Predictions pred;
};

/// The text of a submission: probabilities clipped and renormalised (clip_normalize), written
/// with 9 decimals rounded so that each row's printed values sum to exactly 1.
std::string format_submission(std::span<const std::string> file_ids, const Predictions& p);
/// Writes format_submission() to `path` atomically.
void write_submission(const std::string& path, std::span<const std::string> file_ids,
                      const Predictions& p);

/// Reads a submission; throws Error naming the file and line for a wrong header (it must be
/// file_id,prob0..prob{K-1}, K >= 2), a row with the wrong number of fields, a probability that
/// is not a number in [0, 1], a row not summing to 1 (within 1e-3) or a file_id given twice.
Submission read_submission(const std::string& path);

/// Reads `file_id,label` (header required); throws Error naming the line for a bad label or a
/// file_id given twice.
std::vector<std::pair<std::string, int32_t>> read_labels(const std::string& path);

/// Orders `labels` like the submission's rows; throws Error listing (the first few) file_ids of
/// the submission that have no label, labeled files missing from the submission, and labels
/// outside 0..K-1.
std::vector<int32_t> align_labels(const Submission& s,
                                  std::span<const std::pair<std::string, int32_t>> labels,
                                  const std::string& labels_path);

}  // namespace malscope
