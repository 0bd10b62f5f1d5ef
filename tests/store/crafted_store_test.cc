// Stores crafted by hand, with a valid checksum (it is not keyed: anyone can recompute it): every
// stored count, offset, id and label is checked against the file's own bounds, so each gives a
// clear error, never a crash or a runaway allocation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <functional>

#include "store/format.h"
#include "store/ingest.h"
#include "store/store_info.h"
#include "store/store_writer.h"
#include "store/trace_store.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using store::FileEntry;
using store::Header;
using ::testing::HasSubstr;
using testing_util::read_text;
using testing_util::TempDir;
using testing_util::write_text;

// A small valid store's bytes.
std::string small_store(const TempDir& dir) {
  write_text(dir.file("a.csv"),
             "file_id,label,api,tid,return_value,index\n1,0,A,1,0,0\n1,0,B,1,NULL,1\n"
             "2,1,A,2,5,0\n");
  ingest_csv(dir.file("a.csv"), dir.file("ok.store"));
  return read_text(dir.file("ok.store"));
}

// Recomputes the checksum after an edit, as a forger would.
void reseal(std::string& s) {
  Header h;
  std::memcpy(&h, s.data(), sizeof h);
  Header shifted = h;
  const uint64_t base = h.apis.offset;
  for (store::Section* sec : {&shifted.apis, &shifted.ret_strings, &shifted.file_ids,
                              &shifted.files, &shifted.chunks, &shifted.meta})
    sec->offset -= base;
  h.meta_checksum = store::meta_checksum(s.data() + base, shifted);
  std::memcpy(s.data(), &h, sizeof h);
}

Header header_of(const std::string& s) {
  Header h;
  std::memcpy(&h, s.data(), sizeof h);
  return h;
}

void edit_file_entry(std::string& s, uint32_t f, const std::function<void(FileEntry&)>& edit) {
  Header h = header_of(s);
  FileEntry e;
  char* at = s.data() + h.files.offset + f * sizeof(FileEntry);
  std::memcpy(&e, at, sizeof e);
  edit(e);
  std::memcpy(at, &e, sizeof e);
  reseal(s);
}

// Opens and reads every column; returns the error, or "" if none.
std::string use(const TempDir& dir, const std::string& bytes) {
  write_text(dir.file("bad.store"), bytes);
  try {
    TraceStore s = TraceStore::open(dir.file("bad.store"));
    describe(s);
    check_store(s, 2);
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

TEST(CraftedStore, TheUnchangedStoreIsFine) {
  TempDir dir;
  EXPECT_EQ(use(dir, small_store(dir)), "");
}

TEST(CraftedStore, LabelsOutOfRange) {
  TempDir dir;
  for (int32_t label : {-7, INT_MAX, 100000000, 1000}) {
    std::string s = small_store(dir);
    edit_file_entry(s, 0, [&](FileEntry& e) { e.label = label; });
    EXPECT_THAT(use(dir, s), HasSubstr("label " + std::to_string(label))) << label;
  }
}

TEST(CraftedStore, FileIdOffsetThatWraps) {
  TempDir dir;
  std::string s = small_store(dir);
  edit_file_entry(s, 1, [](FileEntry& e) { e.id_offset = UINT64_MAX - 1; });
  EXPECT_THAT(use(dir, s), HasSubstr("out of bounds"));
}

TEST(CraftedStore, ThreadCountsBeyondTheCalls) {
  TempDir dir;
  std::string s = small_store(dir);
  edit_file_entry(s, 0, [](FileEntry& e) { e.n_threads = 1u << 30; });
  EXPECT_THAT(use(dir, s), HasSubstr("threads for"));
}

TEST(CraftedStore, ApiDictionaryShorterThanTheIdsInTheChunks) {
  TempDir dir;
  for (uint32_t count : {0u, 1u}) {
    std::string s = small_store(dir);
    Header h = header_of(s);
    std::memcpy(s.data() + h.apis.offset, &count, 4);  // the names after it are ignored
    reseal(s);
    EXPECT_THAT(use(dir, s), HasSubstr("API id")) << count;
  }
}

TEST(CraftedStore, ReturnTextIdsBeyondTheirDictionary) {
  TempDir dir;
  std::string s = small_store(dir);
  Header h = header_of(s);
  uint32_t zero = 0;
  std::memcpy(s.data() + h.ret_strings.offset, &zero, 4);
  reseal(s);
  EXPECT_THAT(use(dir, s), HasSubstr("return text"));
}

TEST(CraftedStore, ChunkClaimingBillionsOfRowsIsRefusedBeforeAllocating) {
  TempDir dir;
  std::string s = small_store(dir);
  Header h = header_of(s);
  store::ChunkEntry c;
  std::memcpy(&c, s.data() + h.chunks.offset, sizeof c);
  c.n_rows = UINT32_MAX;
  std::memcpy(s.data() + h.chunks.offset, &c, sizeof c);
  reseal(s);
  EXPECT_THAT(use(dir, s), HasSubstr("corrupt column"));
}

// Found by fuzz/store_fuzz.cc: a column marked absent (width 0) with a wild offset was still
// decoded, its address computed past the mapping.
TEST(CraftedStore, AbsentColumnWithAWildOffset) {
  TempDir dir;
  for (int k : {0, 3}) {
    std::string s = small_store(dir);
    Header h = header_of(s);
    store::ChunkEntry c;
    std::memcpy(&c, s.data() + h.chunks.offset, sizeof c);
    c.columns[k].width = 0;
    c.columns[k].offset = uint64_t(1) << 62;
    std::memcpy(s.data() + h.chunks.offset, &c, sizeof c);
    reseal(s);
    EXPECT_THAT(use(dir, s), HasSubstr("out of bounds")) << k;
  }
}

// Replaces the metadata JSON (the last section) with `json`, as a forger would.
void replace_meta(std::string& s, const std::string& json) {
  Header h = header_of(s);
  ASSERT_EQ(h.meta.offset + h.meta.size, s.size());
  s.resize(h.meta.offset);
  s += json;
  h.meta.size = json.size();
  h.file_size = s.size();
  std::memcpy(s.data(), &h, sizeof h);
  reseal(s);
}

// Found by fuzz/store_fuzz.cc: metadata of the wrong JSON type threw past the store's errors.
TEST(CraftedStore, MetadataOfTheWrongType) {
  TempDir dir;
  for (const char* json : {"7", "[]", R"({"labeled":1})", R"({"has_processes":"yes"})",
                           R"({"api_names":3})"}) {
    std::string s = small_store(dir);
    replace_meta(s, json);
    EXPECT_THAT(use(dir, s), HasSubstr("metadata")) << json;
  }
  std::string s = small_store(dir);
  replace_meta(s, R"({"labeled":true,"has_return_value":true})");
  EXPECT_EQ(use(dir, s), "");
}

TEST(CraftedStore, UnlabeledFileInALabeledStore) {
  TempDir dir;
  std::string s = small_store(dir);
  edit_file_entry(s, 1, [](FileEntry& e) { e.label = -1; });
  EXPECT_THAT(use(dir, s), HasSubstr("no label in a labeled store"));
}

TEST(CraftedStore, CommandsExitOneOnCraftedStores) {
  TempDir dir;
  std::string s = small_store(dir);
  edit_file_entry(s, 0, [](FileEntry& e) { e.label = 100000000; });
  write_text(dir.file("bad.store"), s);
  for (std::string cmd : {"info", "export", "cv", "profile"}) {
    std::string args = cmd == "export" ? " -o " + dir.file("out") : "";
    auto r = testing_util::run(std::string(MALSCOPE_BIN) + " " + cmd + " " + dir.file("bad.store") +
                               args);
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.out;
    EXPECT_THAT(r.out, HasSubstr("not a valid malscope store")) << cmd;
  }
}

}  // namespace
}  // namespace malscope
