#include "serve/traces.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <unordered_map>

#include "io/batch_dictionaries.h"
#include "io/csv_parser.h"
#include "io/csv_schema.h"
#include "io/report_json.h"
#include "io/return_value.h"
#include "store/store_writer.h"
#include "store/trace_store.h"
#include "util/error.h"

namespace malscope {
namespace {

// A batch's API names as the store would keep them: folded when asked, duplicates (A and W
// spellings that fold into one) given one id.
struct NameMap {
  std::vector<std::string> names;
  std::vector<uint16_t> id;  // batch-local id -> id into names
};

NameMap map_names(const TraceBatch& b, ApiNaming naming) {
  NameMap m;
  std::unordered_map<std::string, uint16_t> seen;
  m.id.reserve(b.apis.size());
  for (const std::string& a : b.apis) {
    std::string n = naming == ApiNaming::kCanonical ? canonical_api_name(a) : a;
    auto [it, added] = seen.emplace(n, uint16_t(m.names.size()));
    if (added) m.names.push_back(std::move(n));
    m.id.push_back(it->second);
  }
  return m;
}

}  // namespace

Sketches sketch_batch(const TraceBatch& b, const TraceReading& how, const FeatureConfig& cfg) {
  NameMap names = map_names(b, how.api_names);
  // Runs of one file_id, in order of first appearance (a CSV file that comes back is merged).
  std::vector<std::vector<const BatchFile*>> files;
  std::unordered_map<std::string_view, size_t> index;
  for (const BatchFile& run : b.files) {
    if (how.one_record_per_file) {
      files.push_back({&run});
      continue;
    }
    auto [it, added] = index.emplace(run.file_id, files.size());
    if (added) files.emplace_back();
    files[it->second].push_back(&run);
  }
  const bool with_pid = b.pid.size() == b.rows();
  SketchBuilder builder(names.names, how.has_return_value, cfg, files.size());
  ChunkColumns c;
  for (size_t f = 0; f < files.size(); ++f) {
    c.api.clear(), c.tid.clear(), c.index.clear(), c.ret.clear(), c.pid.clear();
    for (const BatchFile* run : files[f])
      for (uint32_t i = run->row_begin; i < run->row_end; ++i) {
        c.api.push_back(names.id[b.api[i]]);
        c.tid.push_back(b.tid[i]);
        c.index.push_back(b.index[i]);
        c.ret.push_back(how.has_return_value ? b.ret[i] : 0);
        if (with_pid) c.pid.push_back(b.pid[i]);
      }
    store::sort_file_rows(c, 0, c.api.size());
    FileTrace t;
    t.file = uint32_t(f);
    t.id = files[f][0]->file_id;
    t.label = files[f][0]->label;
    t.api = c.api, t.tid = c.tid, t.index = c.index, t.ret = c.ret, t.pid = c.pid;
    t.n_rows = uint32_t(c.api.size());
    builder.add(uint32_t(f), t);
  }
  return builder.finish();
}

TraceBatch join_batches(std::vector<TraceBatch>& batches) {
  if (batches.size() == 1) return std::move(batches[0]);
  TraceBatch out;
  std::unordered_map<std::string, uint16_t> apis;
  std::unordered_map<std::string, uint32_t> texts;
  bool pid = true;
  size_t rows = 0;
  for (const TraceBatch& b : batches) pid &= b.pid.size() == b.rows(), rows += b.rows();
  out.api.reserve(rows), out.tid.reserve(rows), out.index.reserve(rows), out.ret.reserve(rows);
  if (pid) out.pid.reserve(rows);
  for (TraceBatch& b : batches) {
    std::vector<uint16_t> api_map(b.apis.size());
    for (size_t i = 0; i < b.apis.size(); ++i) {
      auto [it, added] = apis.emplace(b.apis[i], uint16_t(out.apis.size()));
      if (added) {
        if (out.apis.size() > UINT16_MAX) throw Error("more than 65536 distinct API names");
        out.apis.push_back(b.apis[i]);
      }
      api_map[i] = it->second;
    }
    std::vector<int64_t> ret_map(b.ret_strings.size());
    for (size_t i = 0; i < b.ret_strings.size(); ++i) {
      auto [it, added] = texts.emplace(b.ret_strings[i], uint32_t(out.ret_strings.size()));
      if (added) out.ret_strings.push_back(b.ret_strings[i]);
      ret_map[i] = ret_string_value(it->second);
    }
    const uint32_t base = uint32_t(out.api.size());
    for (size_t i = 0; i < b.rows(); ++i) {
      out.api.push_back(api_map[b.api[i]]);
      out.tid.push_back(b.tid[i]);
      out.index.push_back(b.index[i]);
      out.ret.push_back(ret_is_string(b.ret[i]) ? ret_map[ret_string_id(b.ret[i])] : b.ret[i]);
      if (pid) out.pid.push_back(b.pid[i]);
    }
    for (BatchFile& f : b.files) {
      f.row_begin += base, f.row_end += base;
      out.files.push_back(std::move(f));
    }
    for (BadRecord& bad : b.bad) out.bad.push_back(std::move(bad));
    out.lines += b.lines;
  }
  return out;
}

TraceBatch read_report_in_place(std::string& json, const std::string& name,
                                const std::string& fallback_id) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end.
  const size_t n = json.size();
  json.append(simdjson::SIMDJSON_PADDING, '\0');
  TraceBatch batch;
  BatchDictionaries dict(batch);
  ReportFacts facts;
  try {
    facts = read_report(name, std::string_view(json.data(), n), batch, dict);
  } catch (...) {
    json.resize(n);
    throw;
  }
  json.resize(n);
  std::string id = facts.file_id.empty() ? fallback_id : std::move(facts.file_id);
  batch.files.push_back({std::move(id), -1, 0, uint32_t(batch.rows()), 0, facts.processes, name});
  return batch;
}

TraceBatch read_report_text(std::string_view json, const std::string& name,
                            const std::string& fallback_id) {
  std::string padded;
  padded.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  padded.append(json);
  return read_report_in_place(padded, name, fallback_id);
}

TraceBatch read_csv_text(std::string_view csv, const std::string& name, bool& has_return_value) {
  size_t eol = csv.find('\n');
  if (eol == std::string_view::npos)
    throw Error(fmt::format("{}: no header line (expected file_id,api,tid,index,...)", name));
  std::string_view header = csv.substr(0, eol);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  CsvSchema schema = CsvSchema::from_header(header, name);
  has_return_value = schema.has_return_value;
  // Whole lines, each ending with '\n', and zeros after them for the scanners' over-reads.
  std::string text(csv.substr(eol + 1));
  if (!text.empty() && text.back() != '\n') text += '\n';
  const size_t n = text.size();
  text.append(64, '\0');
  TraceBatch batch = parse_block(std::string_view(text.data(), n), schema, false);
  if (!batch.bad.empty()) {
    const BadRecord& bad = batch.bad.front();
    std::string message = bad.message;
    if (bad.ref_line) message += fmt::format(" on line {}", bad.ref_line + 1);
    throw Error(fmt::format("{}:{}: {}", name, bad.line + 1, message));
  }
  if (batch.files.empty()) throw Error(fmt::format("{}: a header but no rows", name));
  return batch;
}

}  // namespace malscope
