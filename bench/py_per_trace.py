#!/usr/bin/python3
"""What one trace costs the Python pipeline (shared/baselines/py_baseline.py) wrapped in a web
app: its per-file text and statistics, TF-IDF transform and XGBoost predict of one file, fitted as
the baseline fits them (TF-IDF 1-3 grams, min_df 3; XGBoost with its parameters, ROUNDS rounds).
usage: py_per_trace.py TRAIN.csv TRACE.csv [N] [ROUNDS] [FILES]
prints p50/p99 ms over N repetitions; fits on the first FILES training files (default all: the
cost of one trace depends on the vocabulary and the trees, not on how many files made them)"""
import sys, time
import numpy as np, pandas as pd, xgboost as xgb, scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

train_p, trace_p = sys.argv[1:3]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 100
files = int(sys.argv[5]) if len(sys.argv) > 5 else 0
dt = {"file_id": str, "label": np.int8, "api": "category", "tid": np.int64, "return_value": np.int64, "index": np.int64}
tr = pd.read_csv(train_p, dtype=dt)
if files:
    tr = tr[tr["file_id"].isin(tr["file_id"].unique()[:files])]
one = pd.read_csv(trace_p, dtype={k: v for k, v in dt.items() if k != "label"})

def per_file(df):  # py_baseline.py's
    df = df.sort_values(["file_id", "tid", "index"])
    text = df.groupby("file_id")["api"].apply(lambda s: " ".join(s.astype(str)))
    g = df.groupby("file_id")
    stats = pd.DataFrame({
        "n_calls": g.size(), "n_api": g["api"].nunique(), "n_tid": g["tid"].nunique(),
        "idx_max": g["index"].max(), "ret_mean": g["return_value"].mean(), "ret_neg": g["return_value"].apply(lambda r: (r < 0).mean()),
        "ret_nunique": g["return_value"].nunique(), "calls_per_tid": g.size() / g["tid"].nunique()})
    return text, stats

tx, st = per_file(tr)
y = tr.groupby("file_id")["label"].first().loc[tx.index].values
vec = TfidfVectorizer(ngram_range=(1, 3), min_df=3, max_features=20000, token_pattern=r"\S+", lowercase=False, sublinear_tf=True)
X = sp.hstack([vec.fit_transform(tx.values), sp.csr_matrix(st.values)]).tocsr()
params = {"objective": "multi:softprob", "num_class": int(y.max()) + 1, "eta": 0.1, "max_depth": 6, "tree_method": "hist",
          "subsample": 0.8, "colsample_bytree": 0.5, "nthread": 1}
m = xgb.train(params, xgb.DMatrix(X, y), rounds)
ms = []
for i in range(n + 5):
    t = time.perf_counter()
    a, b = per_file(one)
    x = sp.hstack([vec.transform(a.values), sp.csr_matrix(b.values)]).tocsr()
    p = m.predict(xgb.DMatrix(x))
    if i >= 5:
        ms.append((time.perf_counter() - t) * 1000)
ms.sort()
print("python per trace (per-file text + TF-IDF transform + XGBoost predict, %d calls; fitted on "
      "%d files, %d columns, %d trees): p50 %.2f ms  p99 %.2f ms  (%d repetitions, 1 thread)" %
      (len(one), len(tx), X.shape[1], rounds * params["num_class"], ms[len(ms) // 2], ms[int(len(ms) * 0.99) - 1], n))
