// The reader seam: a reader is a TraceSource registered by name; the store builder takes its
// batches whatever produced them. A made-up in-memory reader, registered here, stands for the
// next input format.
#include "io/trace_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/ingest.h"
#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using ::testing::HasSubstr;
using testing_util::TempDir;

// "mem:N" inputs: N batches; batch b holds file "f<b % 2>" (so f0 comes back after f1) with
// calls B<b> on thread 7 - b, one text return value.
class MemSource : public TraceSource {
 public:
  explicit MemSource(int batches) : batches_(batches) {}
  const std::string& name() const override { return name_; }
  Unit next() override {
    if (next_ == batches_) return {};
    int b = next_++;
    return [b] {
      TraceBatch t;
      t.apis = {"B" + std::to_string(b)};
      t.ret_strings = {"NULL"};
      for (uint32_t i = 0; i < 3; ++i) {
        t.api.push_back(0);
        t.tid.push_back(uint32_t(7 - b));
        t.index.push_back(i);
        t.ret.push_back(i == 1 ? ret_string_value(0) : int64_t(i));
      }
      t.files.push_back({"f" + std::to_string(b % 2), b % 2, 0, 3, 0});
      return t;
    };
  }
  uint64_t bytes_read() const override { return uint64_t(next_); }
  uint64_t total_bytes() const override { return uint64_t(batches_); }
  bool labeled() const override { return true; }
  bool has_return_value() const override { return true; }
  nlohmann::json describe() const override { return {{"reader", "mem"}}; }

 private:
  std::string name_ = "mem";
  int batches_, next_ = 0;
};

bool accepts_mem(std::span<const std::string> in) {
  return in.size() == 1 && in[0].rfind("mem:", 0) == 0;
}
std::unique_ptr<TraceSource> open_mem(std::span<const std::string> in, const SourceOptions&) {
  return std::make_unique<MemSource>(std::stoi(in[0].substr(4)));
}
MALSCOPE_REGISTER_TRACE_SOURCE((TraceSourceKind{"mem-test", accepts_mem, open_mem}));

TEST(TraceSource, ARegisteredReaderFeedsTheStoreBuilder) {
  TempDir dir;
  std::vector<std::string> in = {"mem:5"};
  IngestStats st = ingest_inputs(in, dir.file("s"), {.threads = 2});
  EXPECT_EQ(st.files, 2u);
  EXPECT_EQ(st.rows, 15u);
  EXPECT_EQ(st.reappearing_files, 2u);  // f0 comes back after f1, then f1 after f0
  TraceStore s = TraceStore::open(dir.file("s"));
  ASSERT_EQ(s.num_files(), 2u);
  EXPECT_EQ(s.file_id(0), "f0");
  EXPECT_EQ(s.file_rows(0), 9u);  // batches 0, 2, 4 merged into one file
  EXPECT_EQ(s.file_threads(0), 3u);
  EXPECT_EQ(s.apis(), (std::vector<std::string>{"B0", "B1", "B2", "B3", "B4"}));
  OwnedTrace f0 = s.read_file(0, kColAll);
  EXPECT_EQ(f0.trace.tid[0], 3u);  // threads in tid order: batch 4's thread 3 first
  EXPECT_EQ(s.format_return(f0.trace.ret[1]), "NULL");
  EXPECT_EQ(s.meta()["reader"], "mem");
}

TEST(TraceSource, CsvIsChosenForCsvAndUnknownInputsAreAUsageError) {
  TempDir dir;
  testing_util::write_text(dir.file("a.csv"), "file_id,api,tid,index\n1,A,1,0\n");
  std::vector<std::string> csv = {dir.file("a.csv")};
  EXPECT_EQ(ingest_inputs(csv, dir.file("s")).rows, 1u);
  std::vector<std::string> two = {dir.file("a.csv"), dir.file("a.csv")};
  try {
    ingest_inputs(two, dir.file("t"));
    FAIL() << "two CSVs were taken";
  } catch (const UsageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no reader takes"));
    EXPECT_THAT(e.what(), HasSubstr("csv"));
  }
}

}  // namespace
}  // namespace malscope
