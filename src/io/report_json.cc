#include "io/report_json.h"

#include <simdjson.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <memory>
#include <unordered_set>
#include <vector>

#include "io/json_scan.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// A parser that grew for a report this big is dropped afterwards, so one huge report does not
// keep its buffers for the rest of the ingest.
constexpr size_t kKeepParserBytes = 64u << 20;

// Where the walk is, for messages: a few keys and indices ("behavior.processes[3].calls[17]").
class JsonPath {
 public:
  void push(std::string_view key) { steps_[n_++] = {key, -1}; }
  void push(int64_t index) { steps_[n_++] = {{}, index}; }
  void set(int64_t index) { steps_[n_ - 1].index = index; }
  void set(std::string_view key) { steps_[n_ - 1].key = key; }
  void pop() { --n_; }
  std::string text() const {
    JsonPathText p;
    for (int i = 0; i < n_; ++i) {
      if (steps_[i].index >= 0)
        p.index(static_cast<uint64_t>(steps_[i].index));
      else
        p.key(steps_[i].key);
    }
    return p.str();
  }

 private:
  struct Step {
    std::string_view key;
    int64_t index;
  };
  Step steps_[8];
  int n_ = 0;
};

template <class Column>
void permute(Column& col, size_t first, const std::vector<uint32_t>& to) {
  Column tmp(to.size());
  for (size_t i = 0; i < to.size(); ++i) tmp[to[i]] = col[first + i];
  std::copy(tmp.begin(), tmp.end(), col.begin() + first);
}

// Rows [first, end) of a report, whose distinct thread ids are `tids`, in (tid, index) order, the
// order the store keeps: a counting sort by thread (each thread's rows are already in index order),
// cheaper than the store's sort of interleaved threads.
void group_threads(TraceBatch& b, size_t first, std::vector<uint32_t> tids) {
  const size_t n = b.rows() - first;
  if (tids.size() < 2) return;
  std::sort(tids.begin(), tids.end());
  std::vector<uint32_t> start(tids.size() + 1, 0), rank(n);
  for (size_t i = 0; i < n; ++i) {
    rank[i] = static_cast<uint32_t>(std::lower_bound(tids.begin(), tids.end(), b.tid[first + i]) -
                                    tids.begin());
    ++start[rank[i] + 1];
  }
  for (size_t t = 0; t < tids.size(); ++t) start[t + 1] += start[t];
  std::vector<uint32_t> to(n);
  bool sorted = true;
  for (size_t i = 0; i < n; ++i) {
    to[i] = start[rank[i]]++;
    sorted &= to[i] == i;
  }
  if (sorted) return;
  permute(b.api, first, to);
  permute(b.tid, first, to);
  permute(b.index, first, to);
  permute(b.ret, first, to);
  permute(b.pid, first, to);
}

// The keys of a call that are read; the rest are skipped. Told apart by the first byte, then
// compared once: a call has a dozen keys, and this runs for each of them.
enum class CallKey { kOther, kApi, kThreadId, kTid, kReturn, kReturnValue, kRepeated };

bool is_key(const char* raw, std::string_view want) {
  return std::memcmp(raw, want.data(), want.size()) == 0 && raw[want.size()] == '"';
}

CallKey call_key(od::raw_json_string key) {
  const char* k = key.raw();  // the padding makes the reads past a short key safe
  switch (k[0]) {
    case 'a':
      return is_key(k, "api") ? CallKey::kApi : CallKey::kOther;
    case 't':
      return is_key(k, "thread_id") ? CallKey::kThreadId
             : is_key(k, "tid")     ? CallKey::kTid
                                    : CallKey::kOther;
    case 'r':
      return is_key(k, "return")         ? CallKey::kReturn
             : is_key(k, "return_value") ? CallKey::kReturnValue
             : is_key(k, "repeated")     ? CallKey::kRepeated
                                         : CallKey::kOther;
    default:
      return CallKey::kOther;
  }
}

// One thread of the process being read: its id as logged, its id in the store, the next index.
struct Thread {
  uint32_t logged, stored, next;
};

class Walker {
 public:
  Walker(std::string_view name, std::string_view json, TraceBatch& batch, BatchDictionaries& dict)
      : name_(name), json_(json), batch_(batch), dict_(dict) {}

  ReportFacts run(od::parser& parser) {
    const size_t first_row = batch_.rows();
    if (json_.find_first_not_of(" \t\r\n") == std::string_view::npos)
      throw Error(fmt::format("{}: {} ({} bytes); expected a JSON report object", name_,
                              json_.empty() ? "empty file" : "only white space", json_.size()));
    error_code e =
        parser.iterate(json_.data(), json_.size(), json_.size() + simdjson::SIMDJSON_PADDING)
            .get(doc_);
    if (e) fail_broken(e);
    iterated_ = true;
    od::object top;
    if ((e = doc_.get_object().get(top))) {
      if (e != simdjson::INCORRECT_TYPE) fail_broken(e);
      fail("expected a JSON object (a report) at the top", e);
    }
    for (auto f : top) {
      od::field field = next_field(std::move(f));
      od::raw_json_string key = field.key();
      if (key.unsafe_is_equal("behavior")) {
        path_.push("behavior");
        behavior(field.value());
        path_.pop();
      } else if (key.unsafe_is_equal("target")) {
        path_.push("target");
        target(field.value());
        path_.pop();
      }
    }
    // A location still inside the document after the report's object: something follows it.
    const char* at = nullptr;
    if (!doc_.current_location().get(at))
      fail_at(static_cast<uint64_t>(at - json_.data()), "(the top)",
              "content after the report's closing brace (trailing garbage)");
    group_threads(batch_, first_row, std::vector<uint32_t>(used_tids_.begin(), used_tids_.end()));
    return facts_;
  }

 private:
  [[noreturn]] void fail_at(uint64_t offset, const std::string& path, std::string_view what) {
    throw Error(fmt::format("{}: at byte {}{} (JSON path {}): {}", name_, offset,
                            offset == json_.size() ? " (the end)" : "", path, what));
  }

  // simdjson refused the document before reading it (cut short, an unclosed string, bytes that
  // are not UTF-8): the byte scanner says where.
  [[noreturn]] void fail_broken(error_code e) {
    JsonFault f = find_json_fault(json_);
    if (f.found) fail_at(f.offset, f.path, f.what);
    fail_at(0, "(the top)", fmt::format("not JSON ({})", simdjson::error_message(e)));
  }

  [[noreturn]] void fail(std::string_view what, error_code e = simdjson::SUCCESS) {
    if (e == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || e == simdjson::UNCLOSED_STRING ||
        e == simdjson::TAPE_ERROR || e == simdjson::UTF8_ERROR)
      fail_broken(e);
    const char* at = nullptr;
    uint64_t offset = json_.size();
    if (iterated_ && !doc_.current_location().get(at) && at >= json_.data())
      offset = std::min<uint64_t>(static_cast<uint64_t>(at - json_.data()), json_.size());
    std::string why = e ? fmt::format(" ({})", simdjson::error_message(e)) : "";
    fail_at(offset, path_.text(), fmt::format("{}{}", what, why));
  }

  od::object object(od::value v, std::string_view what) {
    od::object o;
    if (error_code e = v.get_object().get(o)) fail(fmt::format("expected {}", what), e);
    return o;
  }
  od::array array(od::value v, std::string_view what) {
    od::array a;
    if (error_code e = v.get_array().get(a)) fail(fmt::format("expected {}", what), e);
    return a;
  }
  od::field next_field(simdjson::simdjson_result<od::field> f) {
    od::field field;
    if (error_code e = std::move(f).get(field)) fail("bad JSON", e);
    return field;
  }

  void target(od::value v) {
    for (auto f : object(v, "an object")) {
      od::field field = next_field(std::move(f));
      if (!field.key().unsafe_is_equal("file")) continue;
      path_.push("file");
      for (auto g : object(field.value(), "an object")) {
        od::field id = next_field(std::move(g));
        bool sha = id.key().unsafe_is_equal("sha256");
        if (!sha && !id.key().unsafe_is_equal("md5")) continue;
        std::string_view text;
        if (id.value().get_string().get(text) || text.empty()) continue;  // null: not known
        if (sha || facts_.id_from.empty()) {
          facts_.file_id = std::string(text);
          facts_.id_from = sha ? "target.file.sha256" : "target.file.md5";
        }
      }
      path_.pop();
    }
  }

  void behavior(od::value v) {
    for (auto f : object(v, "an object")) {
      od::field field = next_field(std::move(f));
      if (!field.key().unsafe_is_equal("processes")) continue;
      each_element(field.value(), "processes", "a list of processes",
                   [&](od::value proc) { process(proc); });
    }
  }

  // Calls fn on each element of the list at `key`, the path following along.
  template <class Fn>
  void each_element(od::value v, std::string_view key, std::string_view what, Fn&& fn) {
    path_.push(key);
    od::array list = array(v, what);
    path_.push(int64_t{0});
    int64_t i = 0;
    for (auto element : list) {
      od::value item;
      path_.set(i++);
      if (error_code e = std::move(element).get(item)) fail("bad JSON", e);
      fn(item);
    }
    path_.pop();
    path_.pop();
  }

  uint32_t read_uint32(od::value v, std::string_view what) {
    uint64_t x = 0;
    if (error_code e = v.get_uint64().get(x)) fail(fmt::format("expected {}", what), e);
    if (x > UINT32_MAX) fail(fmt::format("expected {}, got {}", what, x));
    return static_cast<uint32_t>(x);
  }

  void process(od::value v) {
    const size_t first_row = batch_.rows();
    uint32_t pid = 0;
    bool traced = true;
    threads_.clear();
    last_ = 0;
    for (auto f : object(v, "a process object")) {
      od::field field = next_field(std::move(f));
      od::raw_json_string key = field.key();
      if (key.unsafe_is_equal("process_id") || key.unsafe_is_equal("pid")) {
        const bool cape = key.unsafe_is_equal("process_id");
        path_.push(cape ? "process_id" : "pid");
        pid = read_uint32(field.value(), "a process id (an integer)");
        path_.pop();
        tell(cape ? Sandbox::kCape : Sandbox::kCuckoo);
      } else if (key.unsafe_is_equal("track")) {
        path_.push("track");
        if (error_code e = field.value().get_bool().get(traced)) fail("expected true or false", e);
        path_.pop();
      } else if (key.unsafe_is_equal("calls")) {
        each_element(field.value(), "calls", "a list of calls", [&](od::value c) { call(c); });
      }
    }
    // The pid may come after the calls: their rows get it now.
    std::fill(batch_.pid.begin() + first_row, batch_.pid.end(), pid);
    if (traced || batch_.rows() > first_row) ++facts_.processes;
  }

  void tell(Sandbox s) {
    if (facts_.sandbox == Sandbox::kNone) facts_.sandbox = s;
  }

  uint32_t thread_id(od::value v) {
    od::json_type type;
    if (error_code e = v.type().get(type)) fail("bad JSON", e);
    if (type == od::json_type::number) return read_uint32(v, "a thread id (an integer)");
    if (type != od::json_type::string)
      fail("expected a thread id (an integer or a string of digits)");
    std::string_view text = plain_string(v, "a thread id (an integer or a string of digits)");
    uint64_t x = 0;
    if (text.empty() || text.size() > 10 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      fail(fmt::format("expected a thread id (a string of digits), got \"{}\"", text));
    for (char c : text) x = 10 * x + static_cast<uint64_t>(c - '0');
    if (x > UINT32_MAX) fail(fmt::format("expected a 32-bit thread id, got {}", text));
    return static_cast<uint32_t>(x);
  }

  // A string's bytes between its quotes when it has no escapes (API names, thread ids and hex
  // return values have none): no copy into the parser's string buffer. Else it is unescaped.
  std::string_view plain_string(od::value v, std::string_view what) {
    std::string_view token = v.raw_json_token();  // peeks: the value is not consumed
    if (token.size() >= 2 && token[0] == '"') {
      const char* begin = token.data() + 1;
      const char* end = static_cast<const char*>(
          std::memchr(begin, '"', static_cast<size_t>(json_.data() + json_.size() - begin)));
      if (end && !std::memchr(begin, '\\', static_cast<size_t>(end - begin)))
        return std::string_view(begin, static_cast<size_t>(end - begin));
    }
    std::string_view text;
    if (error_code e = v.get_string().get(text)) fail(fmt::format("expected {}", what), e);
    return text;
  }

  std::string_view api_name(od::value v) { return plain_string(v, "a string"); }

  int64_t return_value(od::value v) {
    od::json_type type;
    if (error_code e = v.type().get(type)) fail("bad JSON", e);
    if (type == od::json_type::number) {
      std::string_view raw = v.raw_json_token();
      int64_t x = 0;
      uint64_t u = 0;
      if (!v.get_int64().get(x)) return ret_is_string(x) ? dict_.text(trim(raw)) : x;
      if (!v.get_uint64().get(u)) return static_cast<int64_t>(u);  // two's complement
      fail(fmt::format("expected an integer return value, got {}", trim(raw)));
    }
    if (type != od::json_type::string) fail("expected a return value (an integer or a string)");
    std::string_view text = plain_string(v, "a return value (an integer or a string)");
    int64_t x = 0;
    if (parse_int_text(text, x) && !ret_is_string(x)) return x;
    return dict_.text(text);
  }

  static std::string_view trim(std::string_view s) {
    size_t end = s.find_last_not_of(" \t\r\n");
    return s.substr(0, end == std::string_view::npos ? 0 : end + 1);
  }

  // The store id of a thread of the current process: the logged id, unless an earlier process of
  // the report used it (Windows reuses ids), then the next id above it no thread has.
  Thread& thread(uint32_t logged) {
    if (last_ < threads_.size() && threads_[last_].logged == logged) return threads_[last_];
    for (last_ = 0; last_ < threads_.size(); ++last_)
      if (threads_[last_].logged == logged) return threads_[last_];
    uint32_t stored = logged;
    if (!used_tids_.insert(stored).second) {
      ++facts_.reused_tids;
      while (!used_tids_.insert(++stored).second) {
      }
    }
    threads_.push_back({logged, stored, 0});
    return threads_.back();
  }

  void call(od::value v) {
    std::string_view api;
    bool has_api = false, has_tid = false, has_ret = false;
    uint32_t tid = 0;
    int64_t ret = 0;
    uint64_t repeated = 0;
    for (auto f : object(v, "a call object")) {
      od::field field = next_field(std::move(f));
      switch (call_key(field.key())) {
        case CallKey::kOther:
          break;
        case CallKey::kApi:
          path_.push("api");
          api = api_name(field.value());
          path_.pop();
          has_api = true;
          break;
        case CallKey::kThreadId:
        case CallKey::kTid: {
          const bool cape = field.key().raw()[1] == 'h';
          path_.push(cape ? "thread_id" : "tid");
          tid = thread_id(field.value());
          path_.pop();
          has_tid = true;
          tell(cape ? Sandbox::kCape : Sandbox::kCuckoo);
          break;
        }
        case CallKey::kReturn:
        case CallKey::kReturnValue:
          path_.push(field.key().raw()[6] == '"' ? "return" : "return_value");
          ret = return_value(field.value());
          path_.pop();
          has_ret = true;
          break;
        case CallKey::kRepeated:
          path_.push("repeated");
          if (error_code e = field.value().get_uint64().get(repeated))
            fail("expected a count (a non-negative integer)", e);
          path_.pop();
          break;
      }
    }
    if (!has_api) fail("a call without \"api\"");
    if (!has_tid) fail("a call without \"thread_id\" (CAPE) or \"tid\" (Cuckoo)");
    if (!has_ret) ++facts_.no_return;
    const uint16_t api_id = dict_.api(api);
    Thread& t = thread(tid);
    uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(repeated, kRepeatCap - 1)) + 1;
    if (repeated >= kRepeatCap) ++facts_.capped;
    const size_t at = batch_.rows();
    batch_.api.resize(at + n);
    batch_.tid.resize(at + n);
    batch_.index.resize(at + n);
    batch_.ret.resize(at + n);
    batch_.pid.resize(at + n);
    for (uint32_t k = 0; k < n; ++k) {
      batch_.api[at + k] = api_id;
      batch_.tid[at + k] = t.stored;
      batch_.index[at + k] = t.next++;
      batch_.ret[at + k] = ret;
    }
    ++facts_.records;
    facts_.calls += n;
  }

  std::string_view name_, json_;
  TraceBatch& batch_;
  BatchDictionaries& dict_;
  od::document doc_;
  bool iterated_ = false;
  JsonPath path_;
  ReportFacts facts_;
  std::vector<Thread> threads_;
  size_t last_ = 0;
  std::unordered_set<uint32_t> used_tids_;
};

}  // namespace

std::string_view sandbox_name(Sandbox s) {
  switch (s) {
    case Sandbox::kCape:
      return "cape";
    case Sandbox::kCuckoo:
      return "cuckoo";
    case Sandbox::kNone:
      break;
  }
  return "none";
}

ReportFacts read_report(std::string_view name, std::string_view json, TraceBatch& batch,
                        BatchDictionaries& dict) {
  thread_local std::unique_ptr<od::parser> parser;
  if (!parser) parser = std::make_unique<od::parser>();
  Walker walker(name, json, batch, dict);
  struct Release {  // a parser grown for a huge report is not kept
    size_t bytes;
    ~Release() {
      if (bytes > kKeepParserBytes) parser.reset();
    }
  } release{json.size()};
  return walker.run(*parser);
}

}  // namespace malscope
