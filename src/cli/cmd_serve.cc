#include <fmt/format.h>
#include <malloc.h>
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/learn_options.h"
#include "serve/http_server.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/thread_pool.h"

namespace malscope::cli {
namespace {

std::string read_token(const std::string& path) {
  std::string t = read_file(path);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  if (t.size() < 16)
    throw Error(fmt::format("--token-file '{}': the token has {} characters, at least 16 wanted",
                            path, t.size()));
  if (t.find_first_of(" \t\r\n") != std::string::npos)
    throw Error(fmt::format("--token-file '{}': the token must be one line without spaces", path));
  return t;
}

// Every request allocates its body, report and matrices, a few MB, and frees them: keep freed
// memory in the heap instead of handing it back to the kernel, or each request pays page faults
// on fresh pages (as ingest does; process-wide, so the command decides).
void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace

void add_serve(CLI::App* cmd, Globals& g) {
  struct Args {
    std::string model, token_file, tls_cert, tls_key;
    ServerOptions opt;
    double read_timeout = 10, write_timeout = 10;
    bool insecure = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->model, "Model bundle from `malscope train`")
      ->required()
      ->check(existing_input());
  cmd->add_option("--host", a->opt.host,
                  "Address to listen on (a non-loopback one needs --token-file or --insecure)")
      ->default_val(a->opt.host);
  cmd->add_option("--port", a->opt.port, "Port (0: any free one, printed at start)")
      ->default_val(a->opt.port)
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--max-body", a->opt.max_body,
                  "Largest request body, also after gzip decompression (413 above), e.g. 64MB")
      ->default_str("64MiB")
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--workers", a->opt.workers, "Requests scored at once (0: one per core)")
      ->default_val(0)
      ->check(CLI::Range(0, kMaxThreads));
  cmd->add_option("--connections", a->opt.connections,
                  "Connections served at once, each reading its request while --workers of them "
                  "score (0: 8 per worker, at least 16); memory is bounded by this times "
                  "--max-body")
      ->default_val(0)
      ->check(CLI::Range(0, kMaxThreads));
  cmd->add_option("--queue", a->opt.queue,
                  "Connections waiting for a connection thread; beyond it the answer is 503")
      ->default_val(a->opt.queue)
      ->check(CLI::Range(size_t{1}, size_t{1} << 16));
  cmd->add_option("--read-timeout", a->read_timeout, "Seconds a read of a request may wait")
      ->default_val(a->read_timeout)
      ->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--write-timeout", a->write_timeout, "Seconds a write of an answer may wait")
      ->default_val(a->write_timeout)
      ->check(CLI::Range(0.001, 3600.0));
  cmd->add_option("--reasons", a->opt.default_reasons,
                  "Reasons per verdict when the request does not say (?reasons=K)")
      ->default_val(a->opt.default_reasons)
      ->check(CLI::Range(0, 100));
  cmd->add_option("--token-file", a->token_file,
                  "File holding the bearer token every request but /healthz must send "
                  "(Authorization: Bearer TOKEN; 401 otherwise)")
      ->check(existing_input());
  cmd->add_flag("--insecure", a->insecure,
                "Allow a non-loopback --host without --token-file (anyone who can reach it may "
                "use it)");
  auto* cert = cmd->add_option("--tls-cert", a->tls_cert, "PEM certificate: serve HTTPS")
                   ->check(existing_input());
  auto* key = cmd->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert")
                  ->check(existing_input());
  cert->needs(key);
  key->needs(cert);
  cmd->callback([a, &g] {
    ensure_passive_openmp();
    ServerOptions opt = a->opt;
    if (!a->token_file.empty()) opt.token = read_token(a->token_file);
    if (!is_loopback_host(opt.host) && opt.token.empty() && !a->insecure)
      throw UsageError(fmt::format(
          "--host {} is not a loopback address: give --token-file (or --insecure to serve "
          "without a token)",
          opt.host));
    opt.workers = default_threads(opt.workers);
    opt.read_timeout_ms = int(a->read_timeout * 1000);
    opt.write_timeout_ms = int(a->write_timeout * 1000);
    opt.tls_cert = a->tls_cert;
    opt.tls_key = a->tls_key;
    opt.log = [](const std::string& m) { std::fprintf(stderr, "malscope: %s\n", m.c_str()); };
    if (!g.quiet)
      opt.access_log = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };

    // The signals go to one thread that waits for them (blocked everywhere else, so every
    // thread the server starts inherits the mask).
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    keep_freed_memory();
    auto scorer = load_scorer(a->model, 1);
    ScoreServer server(scorer, a->model, opt);
    const int port = server.bind();
    std::printf(
        "listening on %s://%s:%d (model %s, sha256 %s)\n", opt.tls_cert.empty() ? "http" : "https",
        opt.host.find(':') != std::string::npos ? ("[" + opt.host + "]").c_str() : opt.host.c_str(),
        port, a->model.c_str(), scorer->describe().value("sha256", "").c_str());
    std::fflush(stdout);
    std::atomic<bool> done{false};
    bool stopping = false;
    std::thread signals([&] {
      const timespec tick{0, 200'000'000};
      while (!done) {
        int s = sigtimedwait(&set, nullptr, &tick);
        if (s == SIGHUP) {
          server.reload();
        } else if (s == SIGTERM || s == SIGINT) {
          std::fprintf(stderr, "malscope: %s: finishing the requests in flight\n",
                       s == SIGTERM ? "SIGTERM" : "SIGINT");
          stopping = true;
        }
        // Again every tick: a stop() that came before the server was listening did nothing.
        if (stopping) server.stop();
      }
    });
    server.run();
    done = true;
    signals.join();
    if (!g.quiet) std::fprintf(stderr, "malscope: stopped\n");
  });
}

}  // namespace malscope::cli
