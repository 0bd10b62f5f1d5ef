#pragma once
// The scoring service: HTTP (cpp-httplib, optionally TLS through its OpenSSL support) in front of
// a Scorer. Endpoints:
//   POST /v1/score        one CAPE/Cuckoo report (JSON, gzip with Content-Encoding or as bytes)
//                         or a CSV trace (text/csv) -> the verdict JSON; ?reasons=K (0: none)
//   POST /v1/score/batch  NDJSON reports, one a line (or a CSV of several files) -> NDJSON
//                         verdicts in input order
//   GET  /v1/model        the bundle: classes, features, parameters, CV figures, SHA-256
//   GET  /healthz, GET /metrics (Prometheus text format)
// Limits: a body cap (413; also after decompression and for chunked bodies), read and write
// timeouts, a fixed pool of connection threads, of which at most `workers` score at once (the rest
// read requests or wait for a scoring slot, so that many keep-alive clients are served in turn),
// with a bounded queue of waiting connections (beyond it a connection is answered 503 by one
// extra thread, and when that is behind too, accepting waits: memory stays bounded), 400 with a JSON error naming what was wrong and where, 415 for other
// content types, 401 without the bearer token when one is set. stop() drains the requests in
// flight; reload() swaps the bundle atomically (a bad bundle keeps the old).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>

#include "serve/scorer.h"
#include "util/log.h"

namespace httplib {
class Server;
struct Response;
}

namespace malscope {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                   ///< 0: any free port (bind() returns it)
  size_t max_body = 64u << 20;       ///< largest request body, after decompression (bytes)
  int workers = 2;                   ///< requests scored at once
  int connections = 0;               ///< connections served at once (0: 8 per worker, >= 16)
  size_t queue = 256;                ///< connections waiting for a worker before 503
  int read_timeout_ms = 10000;       ///< per read of a request
  int write_timeout_ms = 10000;      ///< per write of a response
  int keep_alive_timeout_ms = 2000;  ///< idle wait for the next request on a connection
  int default_reasons = 5;           ///< reasons per verdict without ?reasons=
  std::string token;                 ///< bearer token required on all but /healthz ("" : none)
  std::string tls_cert, tls_key;     ///< PEM files: serve HTTPS
  LogFn access_log;                  ///< one line per request (empty: none)
  LogFn log;                         ///< reloads and failures
};

/// Connection threads `opt` gives: opt.connections, or 8 per worker and at least 16.
int connection_threads(const ServerOptions& opt);

class ScoreServer {
 public:
  /// Serves `scorer`, reloaded from `model_path` by reload().
  ScoreServer(std::shared_ptr<const Scorer> scorer, std::string model_path, ServerOptions opt);
  ~ScoreServer();
  ScoreServer(const ScoreServer&) = delete;
  ScoreServer& operator=(const ScoreServer&) = delete;

  /// Binds the address; throws Error naming it when it cannot. Returns the port.
  int bind();
  /// Serves until stop(); returns once the requests in flight are answered.
  void run();
  /// Stops accepting and lets the requests in flight finish (from any thread).
  void stop();
  /// Loads the bundle again from the model path and swaps it in; on failure keeps the one in
  /// use and returns why ("" on success).
  std::string reload();
  /// The bundle in use.
  std::shared_ptr<const Scorer> scorer() const;
  /// The /metrics text.
  std::string metrics() const;
  /// Answers one request given as the bytes a client would send (plain HTTP, without bind()),
  /// through the same parsing, limits and routes as a connection; returns the bytes written
  /// back. For the fuzz target and tests.
  std::string answer_raw(std::string_view request);

  struct Stats;  // counters behind /metrics

 private:
  void routes();
  void reject(httplib::Response& res);  // 503: the queue was full
  std::shared_ptr<const Scorer> scorer_;
  mutable std::mutex scorer_mu_;
  std::string model_path_;
  ServerOptions opt_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<Stats> stats_;
  std::unique_ptr<std::counting_semaphore<>> slots_;  // opt_.workers scoring slots
  int listen_fd_ = -1;  // the bound socket, whose backlog bind() raises
};

/// Whether `a` and `b` are equal, in time that does not depend on where they differ (nor on
/// their lengths: SHA-256 digests are compared).
bool constant_time_equal(std::string_view a, std::string_view b);

/// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(const std::string& host);

}  // namespace malscope
