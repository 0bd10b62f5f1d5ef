#include "dist/collective.h"

#include <dirent.h>
#include <fmt/format.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <xgboost/c_api.h>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>

#include "util/error.h"

namespace malscope {

namespace {

// XGBoost 1.7's collective enums (xgboost/collective.py: DataType, Op).
constexpr int kInt64 = 4, kFloat = 6, kDouble = 7;
constexpr int kOpMax = 0, kOpSum = 2;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  int x = 0;
  auto [p, ec] = std::from_chars(v, v + std::strlen(v), x);
  if (ec != std::errc() || *p)
    throw UsageError(fmt::format("environment {}='{}' is not a whole number", name, v));
  return x;
}

}  // namespace

void CollectiveConfig::resolve_from_env() {
  if (tracker_uri.empty())
    if (const char* v = std::getenv("DMLC_TRACKER_URI")) tracker_uri = v;
  if (tracker_port == 0) tracker_port = env_int("DMLC_TRACKER_PORT", 0);
  if (task < 0) task = env_int("DMLC_TASK_ID", -1);
  if (world == 0) world = env_int("DMLC_NUM_WORKER", 0);
  if (tracker_uri.empty())
    throw UsageError("distributed: no tracker address (--tracker HOST:PORT or DMLC_TRACKER_URI)");
  if (tracker_port <= 0 || tracker_port > 65535)
    throw UsageError("distributed: no tracker port (--tracker HOST:PORT or DMLC_TRACKER_PORT)");
  if (world < 1) throw UsageError("distributed: no world size (--world or DMLC_NUM_WORKER)");
  if (task < 0 || task >= world)
    throw UsageError(fmt::format(
        "distributed: task id {} is not in [0, {}) (--rank or DMLC_TASK_ID)", task, world));
  if (!(timeout_s > 0)) throw UsageError("distributed: the timeout must be positive");
}

XgbCollective::XgbCollective(const CollectiveConfig& cfg, TimeoutFn on_timeout)
    : timeout_s_(cfg.timeout_s), on_timeout_(std::move(on_timeout)) {
  watchdog_ = std::thread([this] { watch(); });
  nlohmann::json c = {{"xgboost_communicator", "rabit"},
                      {"rabit_tracker_uri", cfg.tracker_uri},
                      {"rabit_tracker_port", cfg.tracker_port},
                      {"rabit_task_id", std::to_string(cfg.task)},
                      {"rabit_world_size", cfg.world},
                      // Rabit retries a refused connection this many times before it gives up.
                      {"dmlc_worker_connect_retry", 3}};
  try {
    CollectiveStep step(
        this, fmt::format("joining the tracker at {}:{}", cfg.tracker_uri, cfg.tracker_port));
    check(XGCommunicatorInit(c.dump().c_str()),
          fmt::format("XGCommunicatorInit (tracker {}:{}, task {} of {})", cfg.tracker_uri,
                      cfg.tracker_port, cfg.task, cfg.world));
  } catch (...) {
    failed_ = true;
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    watchdog_.join();
    throw;
  }
  rank_ = XGCommunicatorGetRank();
  world_ = XGCommunicatorGetWorldSize();
  if (world_ != cfg.world)
    throw Error(fmt::format("distributed: the tracker made a job of {} workers, not {}", world_,
                            cfg.world));
}

XgbCollective::~XgbCollective() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  // After a failed operation, or while an error unwinds past the job, the links are in an
  // unknown state and finalizing could wait on peers that are still mid-exchange.
  if (!failed_ && std::uncaught_exceptions() == 0) XGCommunicatorFinalize();
}

void XgbCollective::check(int rc, const std::string& what) {
  if (rc == 0) return;
  failed_ = true;
  throw Error(fmt::format("distributed: {} failed: {}", what, XGBGetLastError()));
}

void XgbCollective::allreduce(void* data, size_t count, int type, int op, size_t elem,
                              const char* what) {
  if (count == 0) return;
  payload_ += count * elem;
  const bool own = step_.empty();
  if (own) begin_step(what);
  try {
    check(XGCommunicatorAllreduce(data, count, type, op),
          fmt::format("{} of {} values", what, count));
  } catch (...) {
    if (own) end_step();
    throw;
  }
  if (own) end_step();
}

void XgbCollective::sum(std::span<int64_t> v) {
  allreduce(v.data(), v.size(), kInt64, kOpSum, sizeof(int64_t), "allreduce (sum)");
}

void XgbCollective::sum(std::span<double> v) {
  allreduce(v.data(), v.size(), kDouble, kOpSum, sizeof(double), "allreduce (sum)");
}

void XgbCollective::max(std::span<float> v) {
  allreduce(v.data(), v.size(), kFloat, kOpMax, sizeof(float), "allreduce (max)");
}

void XgbCollective::broadcast(std::string& bytes, int root) {
  if (root < 0 || root >= world_)
    throw Error(fmt::format("distributed: broadcast from worker {} of {}", root, world_));
  const bool own = step_.empty();
  if (own) begin_step(fmt::format("broadcast from worker {}", root));
  try {
    uint64_t n = bytes.size();
    check(XGCommunicatorBroadcast(&n, sizeof n, root), "broadcast of a length");
    bytes.resize(n);
    if (n) check(XGCommunicatorBroadcast(bytes.data(), n, root), "broadcast");
    payload_ += sizeof n + n;
  } catch (...) {
    if (own) end_step();
    throw;
  }
  if (own) end_step();
}

XgbCollective::SocketBytes XgbCollective::socket_bytes() {
  SocketBytes b;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return b;
  for (int i = 0; i < 100000; ++i) {
    dirent* e = readdir(d);
    if (!e) break;
    int fd = std::atoi(e->d_name);
    struct stat st;
    if (e->d_name[0] == '.' || fd == dirfd(d) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
      continue;
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) continue;  // not TCP
    b.sent += info.tcpi_bytes_acked;
    b.received += info.tcpi_bytes_received;
  }
  closedir(d);
  return b;
}

void XgbCollective::begin_step(std::string_view what) {
  std::lock_guard lk(mu_);
  step_ = what.empty() ? std::string("a step") : std::string(what);
  step_start_ = std::chrono::steady_clock::now();
  cv_.notify_all();
}

void XgbCollective::end_step() {
  std::lock_guard lk(mu_);
  step_.clear();
}

void XgbCollective::watch() {
  std::unique_lock lk(mu_);
  while (!stop_) {
    if (step_.empty()) {
      cv_.wait(lk);
      continue;
    }
    const auto deadline =
        step_start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(timeout_s_));
    const std::string step = step_;
    const auto start = step_start_;
    if (cv_.wait_until(lk, deadline) == std::cv_status::timeout && step_ == step &&
        step_start_ == start && !stop_) {
      std::string msg = fmt::format(
          "distributed: worker {} waited more than {}s in {} (a worker or the tracker is gone; "
          "--timeout sets the limit)",
          rank_, timeout_s_, step);
      lk.unlock();
      if (on_timeout_) on_timeout_(msg);
      std::_Exit(1);  // the step is still blocked in Rabit: nothing else can end it
    }
  }
}

}  // namespace malscope
