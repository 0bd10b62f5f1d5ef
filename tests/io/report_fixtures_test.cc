// Every report fixture of ../shared/data/sandbox (real CAPEv2 2.2 and 2.4 reports, Cuckoo 2.x
// material, hand-made edge cases): counts equal index.csv's, broken files give their errors.
// Skipped, with a message, when ../shared is absent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "store/ingest.h"
#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::TempDir;

std::string sandbox_dir() {
  std::string shared = testing_util::shared_dir();
  return shared.empty() ? "" : shared + "/data/sandbox/";
}

#define REQUIRE_SANDBOX_FIXTURES()                                                         \
  if (sandbox_dir().empty())                                                               \
  GTEST_SKIP() << "../shared/data/sandbox is absent: the sandbox report fixtures are not " \
                  "checked"

struct Fixture {
  const char* path;
  uint32_t processes;  // index.csv
  uint64_t records;    // index.csv "calls": call records in the report
  uint64_t repeated;   // sum of `repeated` (measured with Python's json module)
  uint32_t threads;    // distinct (process, thread_id) pairs (Python)
};

// index.csv's rows that are reports (cuckoo2_reportsignatures.json is a signatures[] array).
constexpr Fixture kFixtures[] = {
    {"cape/capa-testfiles/derived/avast_reduced_style_from_0000a657.json", 0, 0, 0, 0},
    {"cape/capa-testfiles/v2.2/"
     "0000a65749f5902c4d82ffa701198038f0b4870b00a27cfca109f8f933476d82.json.gz",
     17, 26219, 3463, 145},
    {"cape/capa-testfiles/v2.2/"
     "55dcd38773f4104b95589acc87d93bf8b4a264b4a6d823b73fb6a7ab8144c08b.json",
     1, 116, 9, 5},
    {"cape/capa-testfiles/v2.2/"
     "55dcd38773f4104b95589acc87d93bf8b4a264b4a6d823b73fb6a7ab8144c08b.json.gz",
     1, 116, 9, 5},
    {"cape/capa-testfiles/v2.2/"
     "77c961050aa252d6d595ec5120981abf02068c968f4a5be5958d10e87aa6f0e8.json",
     0, 0, 0, 0},
    {"cape/capa-testfiles/v2.2/"
     "77c961050aa252d6d595ec5120981abf02068c968f4a5be5958d10e87aa6f0e8.json.gz",
     0, 0, 0, 0},
    {"cape/capa-testfiles/v2.2/"
     "d46900384c78863420fb3e297d0a2f743cd2b6b3f7f82bf64059a168e07aceb7.json.gz",
     1, 105, 3, 5},
    {"cape/capa-testfiles/v2.4/"
     "41ce492f04accef7931b84b8548a6ca717ffabb9bedc4f624de2d37a5345036c.json.gz",
     10, 2602, 733, 30},
    {"cape/capa-testfiles/v2.4/"
     "5d61700feabba201e1ba98df3c8210a3090c8c9f9adbf16cb3d1da3aaa2a9d96.json.gz",
     10, 37510, 3896, 69},
    {"cape/capa-testfiles/v2.4/capesandbox_com/0a0882b8da225406cc838991b5f67d11.json.gz", 13, 17909,
     3592, 197},
    {"cape/capa-testfiles/v2.4/capesandbox_com/"
     "2ebadd04f0ada89c36c1409b6e96423a68dd77b513db8db3da203c36d3753e5f.json.gz",
     0, 0, 0, 0},
    {"cape/capa-testfiles/v2.4/capesandbox_com/f5c93ac768c8206e87544ddd76b3277c.json.gz", 11, 67253,
     7197, 93},
    {"cape/capa-testfiles/v2.4/"
     "fb7ade52dc5a1d6128b9c217114a46d0089147610f99f5122face29e429a1e74.json.gz",
     17, 15225, 1526, 56},
    {"cape/capev2-tests/report_1.json", 1, 1, 0, 1},
    {"cape/capev2-tests/report_2.json", 1, 1, 0, 1},
    {"cape/capev2-tests/report_3.json", 1, 1, 0, 1},
    {"cuckoo/cuckoo2_reconstructed_752.json", 1, 69, 0, 2},
    {"cuckoo/cuckoo2_reconstructed_752_calls_disabled.json", 1, 0, 0, 0},
    {"synthetic/cape_behavior_processes_only.json", 0, 0, 0, 0},
    {"synthetic/cape_call_shape_variants.json", 1, 4, 3, 2},
    {"synthetic/cuckoo2_behavior_empty.json", 0, 0, 0, 0},
};

IngestOptions quiet_options() {
  IngestOptions o;
  o.threads = 2;
  return o;
}

TEST(ReportFixtures, CountsEqualTheIndex) {
  REQUIRE_SANDBOX_FIXTURES();
  TempDir dir;
  for (const Fixture& f : kFixtures) {
    SCOPED_TRACE(f.path);
    std::vector<std::string> in{sandbox_dir() + f.path};
    IngestStats s = ingest_inputs(in, dir.file("s"), quiet_options());
    TraceStore store = TraceStore::open(dir.file("s"));
    ASSERT_EQ(store.num_files(), 1u);
    EXPECT_TRUE(store.has_processes());
    EXPECT_EQ(store.file_processes(0), f.processes);
    EXPECT_EQ(store.meta()["call_records"].get<uint64_t>(), f.records);
    EXPECT_EQ(store.file_rows(0), f.records + f.repeated);  // repeated + 1 calls a record
    EXPECT_EQ(store.file_threads(0), f.threads);
    EXPECT_EQ(s.rows, f.records + f.repeated);
    OwnedTrace t = store.read_file(0, kColAll);
    EXPECT_EQ(t.trace.pid.size(), t.trace.size());
  }
}

TEST(ReportFixtures, FileIdIsTheTargetsSha256NotTheFileName) {
  REQUIRE_SANDBOX_FIXTURES();
  TempDir dir;
  std::vector<std::string> in{
      sandbox_dir() +
      "cape/capa-testfiles/v2.2/"
      "55dcd38773f4104b95589acc87d93bf8b4a264b4a6d823b73fb6a7ab8144c08b.json"};
  ingest_inputs(in, dir.file("s"), quiet_options());
  EXPECT_EQ(TraceStore::open(dir.file("s")).file_id(0),
            "1b9b7b9f76fa21b50566f0b23e296cb246a8f23187ae94ae476e261b288042ad");
  // A stub without target: its path, relative to the folder it was found in.
  ingest_inputs(std::vector<std::string>{sandbox_dir() + "cape/capev2-tests"}, dir.file("t"),
                quiet_options());
  TraceStore t = TraceStore::open(dir.file("t"));
  ASSERT_EQ(t.num_files(), 3u);
  EXPECT_EQ(t.file_id(0), "report_1");
  EXPECT_EQ(t.apis().size(), 3u);  // gethostbyname, send, and the made-up explode
}

TEST(ReportFixtures, GzAndPlainGiveTheSameStore) {
  REQUIRE_SANDBOX_FIXTURES();
  TempDir dir;
  const std::string base =
      sandbox_dir() +
      "cape/capa-testfiles/v2.2/55dcd38773f4104b95589acc87d93bf8b4a264b4a6d823b73fb6a7ab8144c08b";
  ingest_inputs(std::vector<std::string>{base + ".json"}, dir.file("plain"), quiet_options());
  ingest_inputs(std::vector<std::string>{base + ".json.gz"}, dir.file("gz"), quiet_options());
  TraceStore a = TraceStore::open(dir.file("plain")), b = TraceStore::open(dir.file("gz"));
  EXPECT_EQ(a.apis(), b.apis());
  EXPECT_EQ(a.file_id(0), b.file_id(0));
  OwnedTrace x = a.read_file(0, kColAll), y = b.read_file(0, kColAll);
  EXPECT_EQ(x.columns.api, y.columns.api);
  EXPECT_EQ(x.columns.tid, y.columns.tid);
  EXPECT_EQ(x.columns.index, y.columns.index);
  EXPECT_EQ(x.columns.ret, y.columns.ret);
  EXPECT_EQ(x.columns.pid, y.columns.pid);
}

TEST(ReportFixtures, SchemaVariantsAreRead) {
  REQUIRE_SANDBOX_FIXTURES();
  TempDir dir;
  ingest_inputs(std::vector<std::string>{sandbox_dir() + "synthetic/cape_call_shape_variants.json"},
                dir.file("s"), quiet_options());
  TraceStore s = TraceStore::open(dir.file("s"));
  OwnedTrace t = s.read_file(0, kColAll);
  std::vector<std::string> apis;
  for (uint16_t a : t.trace.api) apis.push_back(s.apis()[a]);
  // Thread 1: LdrLoadDll, StartServiceW, __anomaly__; thread 2 (an int thread_id): 4 x
  // RegOpenKeyExW.
  EXPECT_THAT(apis,
              ::testing::ElementsAre("LdrLoadDll", "StartServiceW", "__anomaly__", "RegOpenKeyExW",
                                     "RegOpenKeyExW", "RegOpenKeyExW", "RegOpenKeyExW"));
  EXPECT_EQ(t.trace.ret[1], 1);           // the decimal string "1"
  EXPECT_EQ(t.trace.ret[3], 0xc0000034);  // hex, as given
  EXPECT_EQ(t.trace.pid[0], 100u);
}

std::string ingest_error(const std::string& path) {
  TempDir dir;
  try {
    ingest_inputs(std::vector<std::string>{path}, dir.file("s"), quiet_options());
  } catch (const Error& e) {
    EXPECT_FALSE(std::filesystem::exists(dir.file("s")));
    for (const auto& f : std::filesystem::directory_iterator(dir.path()))
      ADD_FAILURE() << "left behind: " << f.path();
    return e.what();
  }
  return "";
}

TEST(ReportFixtures, BrokenFilesGiveTheirErrors) {
  REQUIRE_SANDBOX_FIXTURES();
  const std::string s = sandbox_dir() + "synthetic/";
  EXPECT_THAT(ingest_error(s + "empty.json"),
              HasSubstr("empty.json: empty file (0 bytes); expected a JSON report object"));
  EXPECT_THAT(ingest_error(s + "truncated.json"),
              HasSubstr("truncated.json: at byte 208 (the end) (JSON path "
                        "behavior.processes[0].calls[0].api): the text ends inside an object"));
  EXPECT_THAT(ingest_error(s + "trailing_garbage.json"),
              HasSubstr("trailing_garbage.json: at byte 66 (JSON path (the top)): content after "
                        "the JSON value (trailing garbage)"));
  EXPECT_THAT(ingest_error(sandbox_dir() + "cuckoo/cuckoo2_reportsignatures.json"),
              HasSubstr("expected a JSON object (a report) at the top"));
  for (const char* f : {"empty.json", "truncated.json"})
    EXPECT_THAT(ingest_error(s + f), HasSubstr("(use --skip-bad to skip such input)"));
}

TEST(ReportFixtures, SkipBadKeepsTheGoodOnesAndRecordsTheRest) {
  REQUIRE_SANDBOX_FIXTURES();
  TempDir dir;
  IngestOptions o = quiet_options();
  o.skip_bad_rows = true;
  std::vector<std::string> logged;
  o.log = [&](const std::string& line) { logged.push_back(line); };
  IngestStats st =
      ingest_inputs(std::vector<std::string>{sandbox_dir() + "synthetic"}, dir.file("s"), o);
  // Six files: three broken, and the two no-behaviour reports share sha256 000...0.
  EXPECT_EQ(st.files, 2u);
  EXPECT_EQ(st.bad_rows, 4u);
  EXPECT_EQ(logged.size(), 4u);
  TraceStore s = TraceStore::open(dir.file("s"));
  ASSERT_EQ(s.meta()["skipped"].size(), 4u);
  EXPECT_THAT(s.meta()["skipped"][0].get<std::string>(), HasSubstr("empty.json: empty file"));
  EXPECT_THAT(s.meta()["skipped"][3].get<std::string>(),
              HasSubstr("cuckoo2_behavior_empty.json: file_id "
                        "'0000000000000000000000000000000000000000000000000000000000000000' was "
                        "already read from"));
  EXPECT_EQ(s.file_rows(0), 0u);  // the no-behaviour report is a file without calls
}

}  // namespace
}  // namespace malscope
