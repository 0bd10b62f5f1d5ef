#pragma once
// A CV results file with just the contract's keys (no blend, model_metrics, params, seconds), as
// another writer than `malscope cv` might make it: read by the report and CvSummary tests.
namespace malscope::testing_eval {

inline const char* kCvJson =
    R"({"dataset": {"store": "t.store", "files": 60, "classes": 3}, "folds": 5,
  "seed": 7, "models": ["xgboost"],
  "metrics": {"logloss": 0.31, "tianchi_logloss": 0.52, "accuracy": 0.9, "macro_f1": 0.88},
  "per_class": [{"class": 0, "files": 20, "logloss": 0.2, "precision": 0.9, "recall": 0.95, "f1": 0.92},
                {"class": 1, "files": 20, "logloss": 0.4, "precision": 0.8, "recall": 0.85, "f1": 0.82},
                {"class": 2, "files": 20, "logloss": 0.3, "precision": 0.9, "recall": 0.9, "f1": 0.9}],
  "pairs": [{"class": 1, "logloss": 0.25, "files": 40}, {"class": 2, "logloss": 0.15, "files": 40}],
  "confusion": [[19, 1, 0], [2, 17, 1], [0, 2, 18]],
  "feature_importance": [{"name": "api:CryptEncrypt", "gain": 12.5}, {"name": "threads", "gain": 3.1}],
  "oof_path": "oof.csv"})";

}  // namespace malscope::testing_eval
