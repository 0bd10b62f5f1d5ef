// `malscope launch`: a distributed job on this machine. Starts XGBoost's tracker (Debian's
// python3-xgboost, xgboost.tracker.RabitTracker on 127.0.0.1) and one `malscope train
// --distributed` (or `cv --distributed`) worker per shard, then waits for all of them, each wait
// bounded.
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "cli/learn_options.h"
#include "util/error.h"

extern char** environ;

namespace malscope::cli {

namespace {

using Clock = std::chrono::steady_clock;

Clock::time_point after(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

struct Child {
  pid_t pid = -1;
  std::string what;
};

// Starts argv[0] with `env` added to the environment; stdout to `out_fd` (-1: inherited),
// stderr to /dev/null when `quiet_err`.
Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int out_fd,
            bool quiet_err, std::string what) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
  if (quiet_err) posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> envs(env);
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  std::vector<char*> av, ev;
  for (const auto& s : argv) av.push_back(const_cast<char*>(s.c_str()));
  av.push_back(nullptr);
  for (const auto& s : envs) ev.push_back(const_cast<char*>(s.c_str()));
  ev.push_back(nullptr);
  Child c{-1, std::move(what)};
  int rc = posix_spawn(&c.pid, av[0], &fa, nullptr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw Error(fmt::format("launch: cannot start {} ({})", av[0], std::strerror(rc)));
  return c;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exit {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("killed by signal {}", WTERMSIG(status));
  return "stopped";
}

// Reads the tracker's "DMLC_TRACKER_PORT=..." within `timeout_s`.
int read_tracker_port(int fd, double timeout_s) {
  const auto deadline = after(timeout_s);
  std::string buf;
  char tmp[512];
  for (int reads = 0; reads < 10000 && Clock::now() < deadline; ++reads) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, int(std::max<int64_t>(left.count(), 1))) <= 0) break;
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) break;
    buf.append(tmp, size_t(n));
    size_t at = buf.find("DMLC_TRACKER_PORT=");
    if (at != std::string::npos) {
      size_t end = buf.find('\n', at);
      if (end != std::string::npos) return std::stoi(buf.substr(at + 18, end - at - 18));
    }
  }
  throw Error(fmt::format(
      "launch: the tracker (/usr/bin/python3, xgboost.tracker.RabitTracker) gave no port within "
      "{}s; is python3-xgboost installed?",
      timeout_s));
}

// Waits up to `timeout_s` for `c`; returns its status, or -1 if it is still running.
int wait_for(const Child& c, double timeout_s) {
  const auto deadline = after(timeout_s);
  for (int i = 0; i < 1000000; ++i) {
    int status = 0;
    pid_t r = waitpid(c.pid, &status, WNOHANG);
    if (r == c.pid) return status;
    if (r < 0 || Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

void stop(Child& c) {
  if (c.pid <= 0) return;
  kill(c.pid, SIGTERM);
  if (wait_for(c, 5) == -1) {
    kill(c.pid, SIGKILL);
    waitpid(c.pid, nullptr, 0);
  }
  c.pid = -1;
}

// A shard argument: a shard store, or a folder `malscope shard` wrote (its shard-*.store).
std::vector<std::string> expand_shards(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    if (!std::filesystem::is_directory(a)) {
      out.push_back(a);
      continue;
    }
    std::vector<std::string> in_dir;
    for (const auto& e : std::filesystem::directory_iterator(a)) {
      std::string n = e.path().filename().string();
      if (n.rfind("shard-", 0) == 0 && n.size() > 6 && n.ends_with(".store"))
        in_dir.push_back(e.path().string());
    }
    if (in_dir.empty()) throw UsageError(fmt::format("launch: '{}' holds no shard-*.store", a));
    std::sort(in_dir.begin(), in_dir.end());
    out.insert(out.end(), in_dir.begin(), in_dir.end());
  }
  return out;
}

}  // namespace

void add_launch(CLI::App* cmd, Globals& g) {
  struct Args {
    std::vector<std::string> shards;
    std::string output;
    int n = 0;
    double timeout = 300;
    std::vector<double> weights;
    std::string cv, command = "train", json_out, oof_out;
    int folds = 5;
    bool json = false;
    LearnArgs learn;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("shards", a->shards,
                  "Shard stores, or the folder `malscope shard` wrote; one worker each")
      ->required();
  cmd->add_option("-n,--workers", a->n, "Workers (must equal the number of shards; default: it)");
  cmd->add_option("--command", a->command,
                  "What the workers run: train (a bundle) or cv (cross-validation results)")
      ->check(CLI::IsMember({"train", "cv"}))
      ->default_val(a->command);
  cmd->add_option("-o,--output", a->output, "Model bundle to write (by worker 0; train)");
  cmd->add_option("--folds", a->folds, "Folds (cv)")->default_val(a->folds);
  cmd->add_option("--json-out", a->json_out, "Write the CV results JSON here (cv)");
  cmd->add_option("--oof-out", a->oof_out, "Write the out-of-fold predictions CSV here (cv)");
  cmd->add_flag("--json", a->json, "Print the CV results as JSON (cv)");
  cmd->add_option("--timeout", a->timeout,
                  "Seconds a worker's step may wait for the others (passed to each worker)")
      ->default_val(a->timeout);
  cmd->add_option("--weights", a->weights, "Blend weights, one per model (as train's)")
      ->delimiter(',');
  cmd->add_option("--cv", a->cv, "Blend weights from this CV results JSON (as train's)")
      ->check(CLI::ExistingFile);
  add_learn_options(cmd, a->learn);
  cmd->callback([a, &g] {
    make_setup(a->learn, g);  // a bad flag stops here, before any process starts
    std::vector<std::string> shards = expand_shards(a->shards);
    const int n = static_cast<int>(shards.size());
    if (a->n && a->n != n) throw UsageError(fmt::format("launch: -n {} for {} shards", a->n, n));
    if (!(a->timeout > 0)) throw UsageError("launch: --timeout must be positive");
    const bool cv = a->command == "cv";
    if (!cv && a->output.empty()) throw UsageError("launch: train needs -o BUNDLE");
    if (cv && (!a->output.empty() || !a->cv.empty() || !a->weights.empty()))
      throw UsageError("launch --command cv takes neither -o, --cv nor --weights");
    if (!cv && (!a->json_out.empty() || !a->oof_out.empty() || a->json))
      throw UsageError("launch: --json-out, --oof-out and --json are for --command cv");
    // The learning flags, as every worker gets them.
    std::vector<std::string> extra = {"--models", a->learn.models, "--seed",
                                      std::to_string(a->learn.seed)};
    if (!a->learn.config.empty()) extra.insert(extra.end(), {"--config", a->learn.config});
    for (const std::string& x : a->learn.sets) extra.insert(extra.end(), {"--set", x});
    for (const auto& [name, value] : a->learn.values)
      extra.insert(extra.end(), {"--" + name, value});
    if (!a->weights.empty())
      extra.insert(extra.end(), {"--weights", fmt::format("{}", fmt::join(a->weights, ","))});
    if (!a->cv.empty()) extra.insert(extra.end(), {"--cv", a->cv});
    if (cv) extra.insert(extra.end(), {"--folds", std::to_string(a->folds)});
    if (!a->output.empty()) extra.insert(extra.end(), {"-o", a->output});
    if (!a->json_out.empty()) extra.insert(extra.end(), {"--json-out", a->json_out});
    if (!a->oof_out.empty()) extra.insert(extra.end(), {"--oof-out", a->oof_out});
    if (a->json) extra.push_back("--json");
    int pipefd[2];
    if (pipe(pipefd) != 0) throw Error("launch: pipe failed");
    // sortby="task": the tracker's ranks are the task ids, so worker I (shard I) is rank I and
    // rank 0, which writes the bundle, is the worker that prints.
    const std::string script = fmt::format(
        "from xgboost.tracker import RabitTracker\n"
        "t = RabitTracker(host_ip='127.0.0.1', n_workers={0}, sortby='task')\n"
        "t.start({0})\n"
        "print('DMLC_TRACKER_PORT=%d' % t.port, flush=True)\n"
        "t.join()\n",
        n);
    Child tracker = spawn({"/usr/bin/python3", "-c", script}, {}, pipefd[1], true, "the tracker");
    close(pipefd[1]);
    std::vector<Child> workers;
    try {
      const int port = read_tracker_port(pipefd[0], 30);
      close(pipefd[0]);
      const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
      for (int i = 0; i < n; ++i) {
        std::vector<std::string> argv = {self,
                                         a->command,
                                         "--distributed",
                                         shards[i],
                                         "--tracker",
                                         fmt::format("127.0.0.1:{}", port),
                                         "--rank",
                                         std::to_string(i),
                                         "--world",
                                         std::to_string(n),
                                         "--timeout",
                                         fmt::format("{}", a->timeout)};
        if (g.quiet || i > 0) argv.push_back("-q");  // one worker's notes are enough
        if (g.threads) argv.push_back(fmt::format("-j{}", g.threads));
        argv.insert(argv.end(), extra.begin(), extra.end());
        workers.push_back(spawn(argv, {"OMP_WAIT_POLICY=PASSIVE"}, -1, false,
                                fmt::format("worker {} ({})", i, shards[i])));
      }
    } catch (...) {
      for (Child& w : workers) stop(w);
      stop(tracker);
      throw;
    }
    // Wait for every worker: when one fails, the others get the timeout (and a little) to fail
    // on their own, then are stopped.
    std::string failed;
    size_t running = workers.size();
    auto fail_deadline = Clock::time_point::max();
    for (int loop = 0; running > 0 && loop < 100000000; ++loop) {
      for (Child& w : workers) {
        if (w.pid <= 0) continue;
        int status = 0;
        if (waitpid(w.pid, &status, WNOHANG) != w.pid) continue;
        w.pid = -1;
        --running;
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
          if (failed.empty()) {
            failed = fmt::format("{} failed ({})", w.what, describe_status(status));
            fail_deadline = after(a->timeout + 10);
          }
        }
      }
      if (running && Clock::now() > fail_deadline) {
        for (Child& w : workers) stop(w);
        break;
      }
      if (running) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop(tracker);
    if (!failed.empty()) throw Error("launch: " + failed);
    if (!g.quiet && !cv)
      std::printf("launch: %d workers done, worker 0 wrote %s\n", n, a->output.c_str());
  });
}

}  // namespace malscope::cli
