#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made from the test data at run time (scripts/fuzz.sh).

Usage: make_seeds.py REPO_DIR OUT_DIR

Real inputs are too big for a small -max_len (a CAPE report is 70 kB to 700 kB unpacked), and a
cut-off seed only ever reaches the reader's "cut short" error. So each seed is a small, whole
input of the shape the reader expects: the test reports cut down to a few processes and calls
(CAPE and the same in Cuckoo's keys, plain and gzipped), heads of the test CSVs, and the small
binary test files as they are. Hand-made seeds kept in fuzz/seeds/<target>/ are added too.
"""
import gzip
import json
import os
import shutil
import sys


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def small_report(report, processes=2, calls=4):
    """The keys the reader looks at, from the first processes and calls of a real report."""
    out = {}
    target = report.get("target", {}).get("file", {})
    out["target"] = {"file": {k: target[k] for k in ("sha256", "md5") if k in target}}
    procs = []
    for p in report.get("behavior", {}).get("processes", [])[:processes]:
        q = {k: p[k] for k in ("process_id", "process_name", "parent_id") if k in p}
        q["calls"] = [
            {k: c[k] for k in ("api", "thread_id", "return", "repeated", "category") if k in c}
            for c in p.get("calls", [])[:calls]
        ]
        procs.append(q)
    out["behavior"] = {"processes": procs}
    return out


def as_cuckoo(report):
    """The same report in Cuckoo 2.x keys: pid, tid and return_value as integers."""
    out = {"target": report["target"], "behavior": {"processes": []}}
    for p in report["behavior"]["processes"]:
        q = {"pid": p.get("process_id", 1), "track": True, "calls": []}
        for c in p["calls"]:
            ret = c.get("return", "0")
            try:
                ret = int(ret, 0)
            except (TypeError, ValueError):
                ret = 0
            q["calls"].append({"api": c.get("api", ""), "tid": int(c.get("thread_id", 1)),
                               "return_value": ret})
        out["behavior"]["processes"].append(q)
    return out


def csv_head(path, lines=12):
    with open(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


def main():
    repo, out = sys.argv[1], sys.argv[2]
    data = os.path.join(repo, "tests", "data")
    dirs = {t: os.path.join(out, t) for t in ("csv_parser_fuzz", "store_fuzz", "bundle_fuzz",
                                              "report_json_fuzz", "http_fuzz")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)

    cape = os.path.join(data, "cape")
    for name in sorted(os.listdir(cape)):
        if not name.endswith(".json.gz"):
            continue
        with gzip.open(os.path.join(cape, name)) as f:
            report = json.load(f)
        small = small_report(report)
        stem = name[:12]
        text = json.dumps(small).encode()
        write(os.path.join(dirs["report_json_fuzz"], stem + "_cape.json"), text)
        write(os.path.join(dirs["report_json_fuzz"], stem + "_cape.json.gz"),
              gzip.compress(text, mtime=0))
        write(os.path.join(dirs["report_json_fuzz"], stem + "_cuckoo.json"),
              json.dumps(as_cuckoo(small)).encode())

    for name in sorted(os.listdir(data)):
        path = os.path.join(data, name)
        if name.endswith(".csv"):
            write(os.path.join(dirs["csv_parser_fuzz"], name), csv_head(path))
        elif name.endswith(".store"):
            shutil.copy(path, dirs["store_fuzz"])
        elif name.endswith(".msm"):
            shutil.copy(path, dirs["bundle_fuzz"])
    # The CSV shapes the readers take: both seasons' headers, quoting, CRLF, a byte order mark.
    csvs = {
        "season1.csv": b"file_id,label,api,tid,return_value,index\n1,0,NtClose,2,0,0\n"
                       b"1,0,LdrLoadDll,2,-1073741772,1\n2,5,\"Reg,Open\",7,\"x\"\"y\",0\n",
        "season2.csv": b"file_id,api,tid,return_value,index\r\n7,NtOpenFile,1,0,0\r\n"
                       b"7,NtClose,1,1,1\r\n",
        "bom.csv": b"\xef\xbb\xbffile_id,label,api,tid,index\n\"a\nb\",1,A,1,0\n",
    }
    for name, text in csvs.items():
        write(os.path.join(dirs["csv_parser_fuzz"], name), text)

    # Whole HTTP requests, as a client sends them: every route and body form the service takes.
    report = next((open(os.path.join(dirs["report_json_fuzz"], n), "rb").read()
                   for n in sorted(os.listdir(dirs["report_json_fuzz"])) if n.endswith("_cape.json")),
                  b'{"behavior": {"processes": []}}')
    csv = csvs["season1.csv"]

    def request(line, body=b"", headers=()):
        head = [line, "Host: 127.0.0.1"] + list(headers)
        if body:
            head.append("Content-Length: %d" % len(body))
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    def chunked(body):
        return b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)

    http = {
        "score_report": request("POST /v1/score HTTP/1.1", report, ["Content-Type: application/json"]),
        "score_noreasons": request("POST /v1/score?reasons=0 HTTP/1.1", report,
                                   ["Content-Type: application/json"]),
        "score_gzip": request("POST /v1/score?reasons=2 HTTP/1.1", gzip.compress(report, mtime=0),
                              ["Content-Type: application/json", "Content-Encoding: gzip"]),
        "score_csv": request("POST /v1/score HTTP/1.1", csv.replace(b"2,5,", b"1,0,"),
                             ["Content-Type: text/csv"]),
        "batch_ndjson": request("POST /v1/score/batch HTTP/1.1", report + b"\n" + report + b"\n",
                                ["Content-Type: application/x-ndjson"]),
        "batch_csv": request("POST /v1/score/batch HTTP/1.1", csv, ["Content-Type: text/csv"]),
        "chunked": request("POST /v1/score HTTP/1.1", b"", ["Content-Type: application/json",
                                                           "Transfer-Encoding: chunked"])
                   + chunked(report),
        "model": request("GET /v1/model HTTP/1.1"),
        "healthz": request("GET /healthz HTTP/1.1"),
        "metrics": request("GET /metrics HTTP/1.1"),
    }
    for name, text in http.items():
        write(os.path.join(dirs["http_fuzz"], name), text)

    seeds = os.path.join(repo, "fuzz", "seeds")
    for target in os.listdir(seeds) if os.path.isdir(seeds) else []:
        dest = dirs.get(target + "_fuzz")
        if dest is None:
            continue
        for name in os.listdir(os.path.join(seeds, target)):
            shutil.copy(os.path.join(seeds, target, name), dest)


if __name__ == "__main__":
    main()
