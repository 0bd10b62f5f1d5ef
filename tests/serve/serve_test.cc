// `malscope serve` on loopback: verdicts equal `score`'s, every limit and error answers with its
// status and a JSON error, the token, SIGHUP reload (a bad bundle keeps the old), SIGTERM drain.
// Every request loop is bounded in count, and every client call in time.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/learn_data.h"
#include "io/gzip.h"
#include "test_util.h"
#include "util/byte_buffer.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing_util::malscope;
using testing_util::read_text;
using testing_util::RunResult;
using testing_util::TempDir;
using testing_util::write_text;

const std::string kCape = std::string(MALSCOPE_SOURCE_DIR) + "/tests/data/cape/";
const std::string kReport =
    kCape + "2ebadd04f0ada89c36c1409b6e96423a68dd77b513db8db3da203c36d3753e5f.json.gz";

std::string gunzipped(const std::string& path) {
  ByteBuffer out;
  gunzip(path, read_text(path), out, 1u << 30);
  return std::string(out.view());
}

// A running `malscope serve`, stopped (SIGTERM) when destroyed.
class Server {
 public:
  explicit Server(const std::string& args, const std::string& log) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(err, 2);
      ::close(fds[0]);
      std::string cmd = std::string("exec ") + MALSCOPE_BIN + " serve --port 0 " + args;
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(fds[1]);
    // The first line says where it listens; give up after 60 s.
    std::string line;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    char c;
    while (std::chrono::steady_clock::now() < until && ::read(fds[0], &c, 1) == 1 && c != '\n')
      line += c;
    ::close(fds[0]);
    auto at = line.find("127.0.0.1:");
    if (at != std::string::npos) port_ = std::stoi(line.substr(at + 10));
  }
  ~Server() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(30);
    c.set_write_timeout(30);
    return c;
  }
  // SIGTERM, then the exit code (-1 if it did not exit within 30 s).
  int stop() {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 300; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        waited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool waited_ = false;
};

class Serve : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    write_text(d("train.csv"), testing_learn::tianchi_csv(90, 1, true, nullptr));
    ASSERT_EQ(
        malscope("ingest -q --api-names canonical " + d("train.csv") + " -o " + d("train.store"))
            .code,
        0);
    RunResult r =
        malscope("train " + d("train.store") +
                 " -q --xgb.rounds 30 --xgb.early_stop 10 --weights 0.6,0.4 -o " + d("m.bundle"));
    ASSERT_EQ(r.code, 0) << r.out;
    r = malscope("train " + d("train.store") + " -q --models linear -o " + d("linear.bundle"));
    ASSERT_EQ(r.code, 0) << r.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string d(const std::string& name) { return dir_->file(name); }
  static TempDir* dir_;
};
TempDir* Serve::dir_ = nullptr;

nlohmann::json body_json(const httplib::Result& r) {
  return nlohmann::json::parse(r->body);
}

TEST_F(Serve, VerdictsEqualScoreAndEveryFormatIsAccepted) {
  Server s(d("m.bundle") + " -q", d("log1"));
  ASSERT_GT(s.port(), 0) << read_text(d("log1"));
  auto c = s.client();
  auto h = c.Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);

  RunResult want = malscope("score -q " + d("m.bundle") + " " + kReport);
  ASSERT_EQ(want.code, 0) << want.out;
  const std::string json = gunzipped(kReport);
  auto r = c.Post("/v1/score", json, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_json(r), nlohmann::json::parse(want.out));
  EXPECT_EQ(body_json(r)["reasons"].size(), 5u);

  // gzip as a content encoding, and as bytes; ?reasons=0 leaves them out.
  httplib::Headers gz = {{"Content-Encoding", "gzip"}};
  r = c.Post("/v1/score", gz, read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_json(r), nlohmann::json::parse(want.out));
  r = c.Post("/v1/score?reasons=0", read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(body_json(r).contains("reasons"));
  EXPECT_EQ(body_json(r)["probs"], nlohmann::json::parse(want.out)["probs"]);

  // A CSV trace scores as `score` scores the CSV file.
  std::string csv = testing_learn::tianchi_csv(1, 7, false, nullptr);
  write_text(d("one.csv"), csv);
  RunResult want_csv = malscope("score -q " + d("m.bundle") + " " + d("one.csv"));
  r = c.Post("/v1/score", csv, "text/csv");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(body_json(r), nlohmann::json::parse(want_csv.out));

  // Batch: NDJSON reports in order, the same verdicts.
  std::string ndjson, expected;
  for (const char* name : {"77c961050aa252d6d595ec5120981abf02068c968f4a5be5958d10e87aa6f0e8",
                           "2ebadd04f0ada89c36c1409b6e96423a68dd77b513db8db3da203c36d3753e5f"}) {
    std::string one = nlohmann::json::parse(gunzipped(kCape + name + ".json.gz")).dump();
    ndjson += one + "\n";
    expected += malscope("score -q " + d("m.bundle") + " " + kCape + name + ".json.gz").out;
  }
  r = c.Post("/v1/score/batch", ndjson, "application/x-ndjson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  std::istringstream got(r->body), exp(expected);
  for (std::string a, b; std::getline(exp, b);) {
    ASSERT_TRUE(std::getline(got, a));
    EXPECT_EQ(nlohmann::json::parse(a), nlohmann::json::parse(b));
  }

  auto m = c.Get("/v1/model");
  ASSERT_TRUE(m);
  auto model = body_json(m);
  EXPECT_EQ(model["classes"].size(), 3u);
  EXPECT_EQ(model["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(model["api_names"], "canonical");
  auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body,
              HasSubstr("malscope_requests_total{route=\"/v1/score\",status=\"200\"} 4"));
  EXPECT_THAT(metrics->body, HasSubstr("malscope_traces_scored_total 6"));
  EXPECT_THAT(metrics->body, HasSubstr("malscope_request_duration_seconds_bucket{le=\"+Inf\"}"));
  EXPECT_EQ(s.stop(), 0);
}

TEST_F(Serve, BadRequestsAreAnsweredWithTheirStatus) {
  Server s(d("m.bundle") + " --max-body 200000", d("log2"));
  ASSERT_GT(s.port(), 0) << read_text(d("log2"));
  auto c = s.client();
  auto r = c.Post("/v1/score", "{\"behavior\": {\"processes\": [ {\"pid\": 1, \"calls\": [}",
                  "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(body_json(r)["error"].get<std::string>(), HasSubstr("request body: at byte"));
  r = c.Post("/v1/score", "file_id,api,tid,index\nf,NtClose,x,1\n", "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_THAT(body_json(r)["error"].get<std::string>(), HasSubstr("request body:2: column 3"));
  r = c.Post("/v1/score", "<xml/>", "application/xml");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  r = c.Post("/v1/score?reasons=lots", read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // Too large: declared, and only after decompression (a small gzip of a big body).
  r = c.Post("/v1/score", std::string(300000, ' '), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  auto c2 = s.client();
  httplib::Headers gz = {{"Content-Encoding", "gzip"}};
  r = c2.Post("/v1/score", gz, gzip(std::string(5000000, ' ')), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  auto c3 = s.client();
  r = c3.Post("/v1/score", gzip(std::string(5000000, ' ')), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);  // gzip bytes that would inflate past the cap
  auto n = c3.Get("/nothing");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->status, 404);
  EXPECT_TRUE(body_json(n).contains("error"));
  // Still serving right answers.
  r = c3.Post("/v1/score", read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(s.stop(), 0);
  std::string log = read_text(d("log2"));
  EXPECT_THAT(log, HasSubstr(" 415 POST /v1/score "));
  EXPECT_THAT(log, HasSubstr(" 200 POST /v1/score "));
  EXPECT_THAT(log, HasSubstr("file_id=2ebadd04"));
}

TEST_F(Serve, TokenIsRequiredAndNonLoopbackNeedsOne) {
  write_text(d("token"), "0123456789abcdef0123456789abcdef\n");
  Server s(d("m.bundle") + " -q --token-file " + d("token"), d("log3"));
  ASSERT_GT(s.port(), 0) << read_text(d("log3"));
  auto c = s.client();
  auto r = c.Post("/v1/score", read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Post("/v1/score", {{"Authorization", "Bearer 0123456789abcdef0123456789abcdeX"}},
             read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Post("/v1/score", {{"Authorization", "Bearer 0123456789abcdef0123456789abcdef"}},
             read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto h = c.Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(s.stop(), 0);
  RunResult u = malscope("serve " + d("m.bundle") + " --host 0.0.0.0 --port 0");
  EXPECT_EQ(u.code, 2);
  EXPECT_THAT(u.out, HasSubstr("--insecure"));
}

TEST_F(Serve, SighupReloadsAndABadBundleKeepsTheOld) {
  std::filesystem::copy_file(d("m.bundle"), d("live.bundle"),
                             std::filesystem::copy_options::overwrite_existing);
  Server s(d("live.bundle") + " -q", d("log4"));
  ASSERT_GT(s.port(), 0) << read_text(d("log4"));
  auto c = s.client();
  auto sha = [&] {
    auto m = c.Get("/v1/model");
    return m ? body_json(m)["sha256"].get<std::string>() : "";
  };
  const std::string first = sha();
  // Reloads are asynchronous to the requests: poll a bounded number of times.
  auto wait_for = [&](auto pred) {
    for (int i = 0; i < 100 && !pred(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return pred();
  };
  write_text(d("live.bundle"), "not a bundle");
  ::kill(s.pid(), SIGHUP);
  EXPECT_TRUE(wait_for([&] { return read_text(d("log4")).find("reload") != std::string::npos; }));
  EXPECT_THAT(read_text(d("log4")), HasSubstr("still serving sha256 " + first));
  EXPECT_EQ(sha(), first);
  auto r = c.Post("/v1/score", read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  std::filesystem::copy_file(d("linear.bundle"), d("live.bundle"),
                             std::filesystem::copy_options::overwrite_existing);
  ::kill(s.pid(), SIGHUP);
  EXPECT_TRUE(wait_for([&] { return sha() != first; }));
  auto m = c.Get("/v1/model");
  ASSERT_TRUE(m);
  EXPECT_EQ(body_json(m)["models"], nlohmann::json::parse(R"(["linear"])"));
  EXPECT_EQ(s.stop(), 0);
}

// A loopback connection that sends half a request and holds the worker that reads it.
int half_request(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  const char part[] = "POST /v1/score HTTP/1.1\r\nHost: x\r\n";
  EXPECT_EQ(::send(fd, part, sizeof part - 1, 0), ssize_t(sizeof part - 1));
  return fd;
}

TEST_F(Serve, AFullQueueIsAnswered503) {
  Server s(d("m.bundle") + " -q --workers 1 --connections 1 --queue 1 --read-timeout 20", d("log6"));
  ASSERT_GT(s.port(), 0) << read_text(d("log6"));
  // One connection holds the only connection thread, one waits in the queue: the next is
  // answered 503.
  int held = half_request(s.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int queued = half_request(s.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_GE(held, 0);
  ASSERT_GE(queued, 0);
  auto c = s.client();
  auto r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  // A request with a body gets its 503 too, once its body is read (4 MB: more than the sockets'
  // buffers hold; answered before it, the connection was reset under the client's writes).
  ::signal(SIGPIPE, SIG_IGN);  // a reset shows as a failed request, not a dead test
  auto quick = s.client();
  quick.set_read_timeout(5);
  quick.set_write_timeout(5);
  auto rb = quick.Post("/v1/score", std::string(4 << 20, 'x'), "text/csv");
  ASSERT_TRUE(rb) << httplib::to_string(rb.error());
  EXPECT_EQ(rb->status, 503);
  ::close(held);
  ::close(queued);
  // Once they are gone, requests are served again (bounded wait).
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    auto ok = s.client().Get("/healthz");
    status = ok ? ok->status : 0;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
  auto m = s.client().Get("/metrics");
  ASSERT_TRUE(m);
  // At least the one above (the polling may have met the queue full once more).
  EXPECT_THAT(m->body, HasSubstr("malscope_rejected_total "));
  EXPECT_THAT(m->body, Not(HasSubstr("malscope_rejected_total 0\n")));
  EXPECT_EQ(s.stop(), 0);
}

// The backlog of the socket listening on `port` (the Send-Q column of `ss -Hltn`), or -1 when
// ss is not there.
int listen_backlog(int port) {
  RunResult r = testing_util::run(fmt::format("ss -Hltn 'sport = :{}'", port));
  std::istringstream in(r.out);
  std::string state;
  long recv_q = -1, send_q = -1;
  if (r.code != 0 || !(in >> state >> recv_q >> send_q)) return -1;
  return int(send_q);
}

TEST_F(Serve, APortInUseIsRefusedAndBurstsOfConnectionsAreQueued) {
  Server s(d("m.bundle") + " -q", d("log9"));
  ASSERT_GT(s.port(), 0) << read_text(d("log9"));
  // httplib's SO_REUSEPORT let a second server bind the port and take part of its connections.
  RunResult second = testing_util::run(
      fmt::format("timeout 30 {} serve -q {} --port {}", MALSCOPE_BIN, d("m.bundle"), s.port()));
  EXPECT_EQ(second.code, 1) << second.out;
  EXPECT_THAT(second.out, HasSubstr("cannot listen on 127.0.0.1:"));
  // httplib's backlog of 5 reset connections that a burst of clients opened at once.
  const int backlog = listen_backlog(s.port());
  if (backlog < 0) {
    std::cout << "ss not available: the backlog is not checked\n";
  } else {
    EXPECT_GE(backlog, 128);
  }
  EXPECT_EQ(s.stop(), 0);
}

TEST_F(Serve, ServesHttpsWithACertificate) {
  RunResult key = testing_util::run(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -keyout " +
      d("key.pem") + " -out " + d("cert.pem"));
  if (key.code != 0) GTEST_SKIP() << "no openssl command to make a certificate: " << key.out;
  Server s(d("m.bundle") + " -q --tls-cert " + d("cert.pem") + " --tls-key " + d("key.pem"),
           d("log7"));
  ASSERT_GT(s.port(), 0) << read_text(d("log7"));
  httplib::SSLClient c("127.0.0.1", s.port());
  c.enable_server_certificate_verification(false);  // self-signed
  c.set_connection_timeout(5);
  c.set_read_timeout(30);
  auto r = c.Post("/v1/score", read_text(kReport), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(body_json(r).contains("reasons"));
  auto plain = s.client().Get("/healthz");  // plain HTTP to a TLS port gets no answer
  EXPECT_FALSE(plain && plain->status == 200);
  EXPECT_EQ(s.stop(), 0);
  RunResult bad = malscope("serve " + d("m.bundle") + " --port 0 --tls-cert " + d("m.bundle") +
                           " --tls-key " + d("m.bundle"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.out, HasSubstr("not a usable PEM certificate"));
}

TEST_F(Serve, SigtermDrainsRequestsInFlight) {
  Server s(d("m.bundle") + " -q --workers 2", d("log5"));
  ASSERT_GT(s.port(), 0) << read_text(d("log5"));
  const std::string body =
      gunzipped(kCape + "d46900384c78863420fb3e297d0a2f743cd2b6b3f7f82bf64059a168e07aceb7.json.gz");
  // Two clients each send a bounded number of requests; SIGTERM comes in the middle. Every
  // request sent before it either completes with 200 or was never accepted (connection error).
  std::atomic<int> ok{0}, other{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t)
    clients.emplace_back([&] {
      auto c = s.client();
      for (int i = 0; i < 40; ++i) {
        auto r = c.Post("/v1/score", body, "application/json");
        if (!r) break;  // the server has gone: stop
        (r->status == 200 ? ok : other)++;
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(s.stop(), 0);
  for (auto& t : clients) t.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_EQ(other.load(), 0);
}

}  // namespace
}  // namespace malscope
