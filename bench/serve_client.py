#!/usr/bin/python3
"""The serve benchmark's client (bench/serve_bench.sh): bounded loops over one keep-alive
connection to 127.0.0.1, every request with a timeout.
  latency URL BODY N [TYPE]       N requests of BODY, prints p50/p99/mean in ms
  count URL BODY N                N requests, exits 1 unless every one is 200
  soak URL GOOD EXPECT SECONDS    good and bad requests mixed for SECONDS (at most 200,000):
                                  every good answer must carry EXPECT's class and probabilities,
                                  every bad one a 4xx; prints the counts"""
import http.client, json, random, sys, time, urllib.parse, gzip

def conn(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30), u.path + ("?" + u.query if u.query else "")

def post(c, path, body, headers):
    c.request("POST", path, body=body, headers=headers)
    r = c.getresponse()
    return r.status, r.read()

def latency(url, body_path, n, ctype="application/json"):
    body = open(body_path, "rb").read()
    c, path = conn(url)
    hdr = {"Content-Type": ctype}
    for _ in range(min(20, n)):  # warm-up
        post(c, path, body, hdr)
    ms = []
    for _ in range(n):
        t = time.perf_counter()
        s, _ = post(c, path, body, hdr)
        ms.append((time.perf_counter() - t) * 1000)
        if s != 200:
            sys.exit("status %d" % s)
    ms.sort()
    print("p50 %.2f ms  p99 %.2f ms  mean %.2f ms  (%d requests, 1 client)" %
          (ms[len(ms) // 2], ms[int(len(ms) * 0.99) - 1], sum(ms) / len(ms), n))

def count(url, body_path, n):
    body = open(body_path, "rb").read()
    c, path = conn(url)
    for _ in range(n):
        s, _ = post(c, path, body, {"Content-Type": "application/json"})
        if s != 200:
            sys.exit("status %d" % s)

def soak(url, good_path, expect_path, seconds):
    good = open(good_path, "rb").read()
    expect = json.load(open(expect_path))
    bad = [  # (body, headers, what)
        (good[: len(good) // 2], {"Content-Type": "application/json"}, "cut short"),
        (b"{\"behavior\": 3}", {"Content-Type": "application/json"}, "wrong type"),
        (b"<xml/>", {"Content-Type": "application/xml"}, "unknown type"),
        (b"file_id,api,tid,index\nf,NtClose,x,1\n", {"Content-Type": "text/csv"}, "bad csv"),
        (gzip.compress(b" " * (80 << 20)), {"Content-Type": "application/json"}, "gzip bomb"),
        (b"\x00\xff" * 1000, {"Content-Type": "application/json"}, "binary junk"),
    ]
    u = urllib.parse.urlsplit(url)
    c, _ = conn(url)
    rng = random.Random(1)
    n_good = n_bad = wrong = 0
    end = time.time() + seconds
    for i in range(200000):
        if time.time() > end:
            break
        if rng.random() < 0.7:
            s, b = post(c, "/v1/score?reasons=3", good, {"Content-Type": "application/json"})
            v = json.loads(b) if s == 200 else {}
            if s != 200 or v.get("class") != expect["class"] or v.get("probs") != expect["probs"]:
                wrong += 1
            n_good += 1
        else:
            body, hdr, what = bad[rng.randrange(len(bad))]
            s, _ = post(c, "/v1/score", body, hdr)
            if not 400 <= s < 500:
                wrong += 1
                print("bad request '%s' answered %d" % (what, s))
            n_bad += 1
            c.close()  # a 4xx may close the connection: start a fresh one
            c, _ = conn(url)
    print("soak %.0f s: %d good requests, %d bad ones, %d wrong answers" %
          (seconds, n_good, n_bad, wrong))
    sys.exit(1 if wrong else 0)

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "latency":
        latency(sys.argv[2], sys.argv[3], int(sys.argv[4]), *(sys.argv[5:6]))
    elif cmd == "count":
        count(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "soak":
        soak(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
