#include "serve/http_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <thread>

#include "io/gzip.h"
#include "util/byte_buffer.h"
#include "util/error.h"

namespace malscope {

namespace {

// One request's bytes in, the answer's bytes out: a connection without a socket.
class StringStream : public httplib::Stream {
 public:
  explicit StringStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size = std::min(size, in_.size() - pos_);
    if (size) std::memcpy(ptr, in_.data() + pos_, size);
    pos_ += size;
    return ssize_t(size);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out.append(ptr, size);
    return ssize_t(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string out;

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

// The plain-HTTP server, able to answer a request held in memory (ScoreServer::answer_raw).
class PlainServer : public httplib::Server {
 public:
  std::string answer(std::string_view request) {
    StringStream s(request);
    bool closed = false;
    process_request(s, /*close_connection=*/true, closed, nullptr);
    return std::move(s.out);
  }
};
namespace {

using Clock = std::chrono::steady_clock;

// What the access log needs of the request a thread is answering (one at a time per thread).
struct RequestState {
  Clock::time_point start;
  std::string file_id;
  bool rejected = false;  // this thread answers connections the queue had no room for
  bool counted = false;   // the pre-routing handler saw it (start and in_flight are set)
};
thread_local RequestState t_request;

constexpr double kBuckets[] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                               0.1,    0.25,  0.5,   1,     2.5,  10};
constexpr size_t kNumBuckets = std::size(kBuckets);
constexpr int kListenBacklog = 1024;  // the kernel caps it at net.core.somaxconn

// A request error: the HTTP status and what to say.
struct HttpError {
  int status;
  std::string message;
};

void send_json(httplib::Response& res, int status, const nlohmann::ordered_json& j) {
  res.status = status;
  res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  nlohmann::ordered_json j;
  j["error"] = message;
  j["status"] = status;
  send_json(res, status, j);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The media type of a Content-Type header, without parameters, lower case.
std::string media_type(const httplib::Request& req) {
  std::string t = req.get_header_value("Content-Type");
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return lower(t);
}

// The connection queue: `workers` threads take connections in order; when `capacity` are
// already waiting, the connection goes to one more thread that answers 503 (its requests see
// t_request.rejected), and when that one is `capacity` behind too, enqueue() waits, so the
// accept loop stops and the kernel's backlog holds the rest. Never unbounded memory.
class BoundedQueue : public httplib::TaskQueue {
 public:
  BoundedQueue(int workers, size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
    for (int i = 0; i < std::max(workers, 1); ++i) threads_.emplace_back([this] { work(jobs_); });
    threads_.emplace_back([this] {
      t_request.rejected = true;
      work(rejects_);
    });
  }
  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (jobs_.size() < capacity_) {
      jobs_.push_back(std::move(fn));
    } else {
      room_.wait(lock, [&] { return rejects_.size() < capacity_ || shutdown_; });
      rejects_.push_back(std::move(fn));
    }
    ready_.notify_all();
  }
  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutdown_ = true;
    }
    ready_.notify_all();
    room_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void work(std::deque<std::function<void()>>& q) {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !q.empty() || shutdown_; });
        if (q.empty()) return;  // shut down with nothing left
        fn = std::move(q.front());
        q.pop_front();
      }
      room_.notify_all();
      fn();
    }
  }
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::function<void()>> jobs_, rejects_;
  std::vector<std::thread> threads_;
  bool shutdown_ = false;
};

bool has_body(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") ||
         req.get_header_value<uint64_t>("Content-Length") > 0;
}

// The traces of a request body, read as the content type says.
TraceBatch read_body(const std::string& type, std::string& body, bool& has_ret) {
  has_ret = true;
  if (type == "text/csv") return read_csv_text(body, "request body", has_ret);
  return read_report_in_place(body, "request body", "request");
}

int reasons_param(const httplib::Request& req, int fallback) {
  if (!req.has_param("reasons")) return fallback;
  std::string v = req.get_param_value("reasons");
  int k = -1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), k);
  if (ec != std::errc() || p != v.data() + v.size() || k < 0 || k > 100)
    throw HttpError{400, fmt::format("query parameter reasons is '{}', expected 0..100", v)};
  return k;
}

}  // namespace

struct ScoreServer::Stats {
  std::mutex mu;
  std::map<std::pair<std::string, int>, uint64_t> requests;  // (route, status)
  uint64_t buckets[kNumBuckets + 1] = {};
  double seconds = 0;
  uint64_t observed = 0;
  std::atomic<uint64_t> traces{0}, rejected{0}, reloads{0}, reload_failures{0};
  std::atomic<int> in_flight{0};
};

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
  unsigned int la = 0, lb = 0;
  if (!EVP_Digest(a.data(), a.size(), da, &la, EVP_sha256(), nullptr) ||
      !EVP_Digest(b.data(), b.size(), db, &lb, EVP_sha256(), nullptr) || la != lb)
    return false;
  return CRYPTO_memcmp(da, db, la) == 0;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

int connection_threads(const ServerOptions& opt) {
  // Keep-alive clients hold a thread between requests: several per scoring slot serve many
  // clients in turn, where one per slot let the first two starve the rest.
  return opt.connections > 0 ? opt.connections : std::max(16, 8 * std::max(opt.workers, 1));
}

ScoreServer::ScoreServer(std::shared_ptr<const Scorer> scorer, std::string model_path,
                         ServerOptions opt)
    : scorer_(std::move(scorer)),
      model_path_(std::move(model_path)),
      opt_(std::move(opt)),
      stats_(std::make_unique<Stats>()),
      slots_(std::make_unique<std::counting_semaphore<>>(std::max(opt_.workers, 1))) {
  if (!opt_.tls_cert.empty() || !opt_.tls_key.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(opt_.tls_cert.c_str(), opt_.tls_key.c_str());
    if (!tls->is_valid())
      throw Error(
          fmt::format("--tls-cert '{}' / --tls-key '{}': not a usable PEM certificate "
                      "and private key pair",
                      opt_.tls_cert, opt_.tls_key));
    http_ = std::move(tls);
  } else {
    http_ = std::make_unique<PlainServer>();
  }
  routes();
}

std::string ScoreServer::answer_raw(std::string_view request) {
  auto* plain = dynamic_cast<PlainServer*>(http_.get());
  if (!plain) throw Error("answer_raw: the server speaks TLS");
  return plain->answer(request);
}

ScoreServer::~ScoreServer() = default;

std::shared_ptr<const Scorer> ScoreServer::scorer() const {
  std::lock_guard<std::mutex> lock(scorer_mu_);
  return scorer_;
}

std::string ScoreServer::reload() {
  try {
    std::shared_ptr<const Scorer> next = load_scorer(model_path_, 1);
    std::string sha = next->describe().value("sha256", "");
    {
      std::lock_guard<std::mutex> lock(scorer_mu_);
      scorer_ = std::move(next);
    }
    ++stats_->reloads;
    if (opt_.log) opt_.log(fmt::format("reloaded {} (sha256 {})", model_path_, sha));
    return "";
  } catch (const std::exception& e) {
    ++stats_->reload_failures;
    std::string why = e.what();
    if (opt_.log)
      opt_.log(fmt::format("reload of {} failed, still serving sha256 {}: {}", model_path_,
                           scorer()->describe().value("sha256", ""), why));
    return why.empty() ? "reload failed" : why;
  }
}

int ScoreServer::bind() {
  int port = opt_.port;
  bool ok = port == 0 ? (port = http_->bind_to_any_port(opt_.host)) > 0
                      : http_->bind_to_port(opt_.host, port);
  if (!ok)
    throw Error(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                            opt_.host, opt_.port));
  // httplib listens with a backlog of 5: a burst of connections (64 clients starting at once)
  // overflowed it and the kernel's SYN cookies reset some of them after their request was
  // sent. Listening again on a listening socket only resizes its backlog.
  if (listen_fd_ >= 0 && ::listen(listen_fd_, kListenBacklog) != 0)
    throw Error(fmt::format("cannot listen on {}:{}: {}", opt_.host, port, std::strerror(errno)));
  return port;
}

void ScoreServer::run() {
  http_->listen_after_bind();
}

void ScoreServer::stop() {
  http_->stop();
}

std::string ScoreServer::metrics() const {
  Stats& s = *stats_;
  std::string out;
  out += "# HELP malscope_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE malscope_requests_total counter\n";
  std::lock_guard<std::mutex> lock(s.mu);
  for (const auto& [key, n] : s.requests)
    out += fmt::format("malscope_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, n);
  uint64_t errors = 0;
  for (const auto& [key, n] : s.requests) errors += key.second >= 400 ? n : 0;
  out += "# HELP malscope_request_errors_total Requests answered with a 4xx or 5xx status.\n";
  out += "# TYPE malscope_request_errors_total counter\n";
  out += fmt::format("malscope_request_errors_total {}\n", errors);
  out +=
      "# HELP malscope_request_duration_seconds Time from the request's headers to its answer.\n";
  out += "# TYPE malscope_request_duration_seconds histogram\n";
  uint64_t cum = 0;
  for (size_t b = 0; b < kNumBuckets; ++b) {
    cum += s.buckets[b];
    out +=
        fmt::format("malscope_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[b], cum);
  }
  cum += s.buckets[kNumBuckets];
  out += fmt::format("malscope_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", cum);
  out += fmt::format("malscope_request_duration_seconds_sum {}\n", s.seconds);
  out += fmt::format("malscope_request_duration_seconds_count {}\n", s.observed);
  out += "# HELP malscope_traces_scored_total Traces given a verdict.\n";
  out += "# TYPE malscope_traces_scored_total counter\n";
  out += fmt::format("malscope_traces_scored_total {}\n", s.traces.load());
  out += "# HELP malscope_rejected_total Requests answered 503 because the queue was full.\n";
  out += "# TYPE malscope_rejected_total counter\n";
  out += fmt::format("malscope_rejected_total {}\n", s.rejected.load());
  out += "# HELP malscope_in_flight Requests being answered.\n";
  out += "# TYPE malscope_in_flight gauge\n";
  out += fmt::format("malscope_in_flight {}\n", s.in_flight.load());
  out += "# TYPE malscope_reloads_total counter\n";
  out += fmt::format("malscope_reloads_total{{result=\"ok\"}} {}\n", s.reloads.load());
  out += fmt::format("malscope_reloads_total{{result=\"failed\"}} {}\n", s.reload_failures.load());
  return out;
}

void ScoreServer::reject(httplib::Response& res) {
  ++stats_->rejected;
  res.set_header("Retry-After", "1");
  res.set_header("Connection", "close");
  send_error(res, 503, "busy: every worker is scoring and the queue is full; retry");
}

void ScoreServer::routes() {
  httplib::Server& h = *http_;
  h.set_read_timeout(opt_.read_timeout_ms / 1000, (opt_.read_timeout_ms % 1000) * 1000);
  h.set_write_timeout(opt_.write_timeout_ms / 1000, (opt_.write_timeout_ms % 1000) * 1000);
  h.set_keep_alive_timeout(std::max(1, opt_.keep_alive_timeout_ms / 1000));
  h.set_keep_alive_max_count(100);
  h.set_payload_max_length(opt_.max_body);
  h.set_tcp_nodelay(true);  // a verdict is one small write: no Nagle delay
  // SO_REUSEADDR (a restart binds at once past TIME_WAIT) but not httplib's default
  // SO_REUSEPORT, with which a second server on a port in use would bind and share its
  // traffic instead of failing.
  h.set_socket_options([this](int fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = fd;
  });
  const int threads = connection_threads(opt_);
  const size_t queue = opt_.queue;
  h.new_task_queue = [threads, queue] { return new BoundedQueue(threads, queue); };

  h.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request.start = Clock::now();
    t_request.file_id.clear();
    t_request.counted = true;
    ++stats_->in_flight;
    // A request with a body is answered 503 by its handler once the body is read: closed on
    // unread bytes, the connection was reset and the client, still writing, saw no answer.
    if (t_request.rejected && !has_body(req)) {
      reject(res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!opt_.token.empty() && req.path != "/healthz") {
      const std::string auth = req.get_header_value("Authorization");
      const std::string prefix = "Bearer ";
      if (auth.rfind(prefix, 0) != 0 ||
          !constant_time_equal(std::string_view(auth).substr(prefix.size()), opt_.token)) {
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, "a valid 'Authorization: Bearer <token>' header is required");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // httplib's own errors (404, 405, 413 on a declared length, 400 on a bad request line) as
  // JSON; answers that already have a body keep it.
  h.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string what = res.status == 404   ? fmt::format("no such endpoint: {}", req.path)
                           : res.status == 413 ? "request body too large (--max-body)"
                                               : fmt::format("HTTP status {}", res.status);
        send_error(res, res.status, what);
        return httplib::Server::HandlerResponse::Handled;
      }));
  h.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        if (opt_.log)
          opt_.log(fmt::format("{} {}: internal error: {}", req.method, req.path, what));
        send_error(res, 500, "internal error: " + what);
      });

  h.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const double s = t_request.counted
                         ? std::chrono::duration<double>(Clock::now() - t_request.start).count()
                         : 0.0;
    if (t_request.counted) --stats_->in_flight;
    t_request.counted = false;
    {
      std::lock_guard<std::mutex> lock(stats_->mu);
      std::string route = req.path == "/v1/score" || req.path == "/v1/score/batch" ||
                                  req.path == "/v1/model" || req.path == "/healthz" ||
                                  req.path == "/metrics"
                              ? req.path
                              : "other";
      ++stats_->requests[{route, res.status}];
      size_t b = 0;
      while (b < kNumBuckets && s > kBuckets[b]) ++b;
      ++stats_->buckets[b];
      stats_->seconds += s;
      ++stats_->observed;
    }
    if (opt_.access_log) {
      const std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      char when[32];
      std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
      opt_.access_log(
          fmt::format("{} {} {} {} {} {}B {:.2f}ms{}", when, req.remote_addr, res.status,
                      req.method, req.path, res.body.size(), s * 1000,
                      t_request.file_id.empty() ? "" : " file_id=" + t_request.file_id));
    }
  });

  h.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"status", "ok"}});
  });
  h.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics(), "text/plain; version=0.0.4");
  });
  h.Get("/v1/model", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(scorer()->describe().dump(2) + "\n", "application/json");
  });

  // Reads the body under the cap, whatever the transfer (declared length, chunked, gzip
  // content encoding), then answers with `answer(type, body)`.
  auto post = [this](const std::string& path, auto answer, std::vector<std::string> types) {
    // `answer(req, res, type, body)` may take the body's bytes (it is not used after).
    http_->Post(path, [this, answer, types](const httplib::Request& req, httplib::Response& res,
                                            const httplib::ContentReader& read) {
      try {
        // The body first, whatever the answer: an unread body would be taken for the next
        // request on a kept-alive connection.
        std::string body;
        // Room for the declared length and the JSON parser's padding: one allocation.
        const uint64_t declared = req.get_header_value<uint64_t>("Content-Length");
        if (declared <= opt_.max_body) body.reserve(size_t(declared) + 64);
        bool too_big = false;
        bool ok = read([&](const char* data, size_t n) {
          if (body.size() + n > opt_.max_body) return !(too_big = true);
          body.append(data, n);
          return true;
        });
        if (too_big || res.status == 413)
          throw HttpError{
              413, fmt::format("request body larger than --max-body ({} bytes)", opt_.max_body)};
        if (!ok)
          throw HttpError{400, "the request body could not be read (cut short, or bad gzip)"};
        const std::string enc = lower(req.get_header_value("Content-Encoding"));
        if (!enc.empty() && enc != "identity" && enc != "gzip")
          throw HttpError{415,
                          fmt::format("Content-Encoding '{}' is not supported (gzip is)", enc)};
        std::string type = media_type(req);
        if (type.empty()) type = types.front();
        if (std::find(types.begin(), types.end(), type) == types.end())
          throw HttpError{415, fmt::format("Content-Type '{}' is not accepted here; send {}", type,
                                           fmt::join(types, " or "))};
        if (looks_gzipped(body)) {  // gzip bytes sent without Content-Encoding
          // The trailer's size (mod 2^32) says early what a bomb would become.
          uint32_t isize = 0;
          if (body.size() >= 4) std::memcpy(&isize, body.data() + body.size() - 4, 4);
          if (isize > opt_.max_body)
            throw HttpError{413, fmt::format("the gzip body inflates to {} bytes, more than "
                                             "--max-body ({} bytes)",
                                             isize, opt_.max_body)};
          ByteBuffer plain;
          gunzip("request body", body, plain, opt_.max_body);
          body.assign(plain.view());
        }
        if (t_request.rejected) return reject(res);
        // At most `workers` requests score at once; the other connections wait here.
        slots_->acquire();
        struct Release {
          std::counting_semaphore<>& s;
          ~Release() { s.release(); }
        } release{*slots_};
        answer(req, res, type, body);
      } catch (const HttpError& e) {
        if (e.status == 413) res.set_header("Connection", "close");
        send_error(res, e.status, e.message);
      } catch (const UsageError& e) {
        send_error(res, 400, e.what());
      } catch (const Error& e) {
        send_error(res, 400, e.what());
      }
    });
  };

  post("/v1/score",
       [this](const httplib::Request& req, httplib::Response& res, const std::string& type,
              std::string& body) {
         const int reasons = reasons_param(req, opt_.default_reasons);
         auto scorer = this->scorer();
         bool has_ret = true;
         TraceBatch batch = read_body(type, body, has_ret);
         Sketches s = sketch_batch(batch, scorer->reading(has_ret), scorer->feature_config());
         if (s.size() != 1)
           throw HttpError{400, fmt::format("the body holds {} traces (file_ids '{}', '{}', ...); "
                                            "/v1/score takes one, /v1/score/batch several",
                                            s.size(), s.file_id(0), s.file_id(1))};
         std::vector<Verdict> v = scorer->score(s, reasons);
         t_request.file_id = v[0].file_id;
         ++stats_->traces;
         send_json(res, 200, verdict_json(v[0], scorer->class_names()));
       },
       {"application/json", "text/csv"});

  post("/v1/score/batch",
       [this](const httplib::Request& req, httplib::Response& res, const std::string& type,
              std::string& body) {
         const int reasons = reasons_param(req, opt_.default_reasons);
         auto scorer = this->scorer();
         std::vector<Verdict> all;
         if (type == "text/csv") {
           bool has_ret = true;
           TraceBatch batch = read_csv_text(body, "request body", has_ret);
           all = scorer->score(
               sketch_batch(batch, scorer->reading(has_ret), scorer->feature_config()), reasons);
         } else {
           // One report a line; each scored on its own (a sample sent twice gets two verdicts).
           size_t line = 0;
           for (size_t pos = 0; pos < body.size();) {
             size_t end = body.find('\n', pos);
             if (end == std::string::npos) end = body.size();
             std::string_view text = std::string_view(body).substr(pos, end - pos);
             pos = end + 1;
             ++line;
             if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
             const std::string name = fmt::format("request body line {}", line);
             TraceBatch batch = read_report_text(text, name, fmt::format("line-{}", line));
             std::vector<Verdict> v = scorer->score(
                 sketch_batch(batch, scorer->reading(true), scorer->feature_config()), reasons);
             all.insert(all.end(), std::make_move_iterator(v.begin()),
                        std::make_move_iterator(v.end()));
           }
           if (all.empty()) throw HttpError{400, "the body holds no report (NDJSON: one a line)"};
         }
         std::string out;
         for (const Verdict& v : all)
           out += verdict_json(v, scorer->class_names())
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                  "\n";
         stats_->traces += all.size();
         t_request.file_id = fmt::format("{} traces", all.size());
         res.status = 200;
         res.set_content(out, "application/x-ndjson");
       },
       {"application/x-ndjson", "application/jsonl", "application/json", "text/csv"});
}

}  // namespace malscope
