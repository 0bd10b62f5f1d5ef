#include "models/seq_net_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "util/error.h"

namespace malscope {
namespace {

constexpr const char* kModule = "libmalscope_textcnn.so";

using CreateFn = SeqNet* (*)(int);
using DestroyFn = void (*)(SeqNet*);

struct Module {
  CreateFn create = nullptr;
  DestroyFn destroy = nullptr;
  std::string error;  // why it could not be loaded (empty: loaded)
};

std::vector<std::string> candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("MALSCOPE_TEXTCNN_LIB"); env && *env) out.push_back(env);
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((self.parent_path() / kModule).string());
    out.push_back((self.parent_path().parent_path() / "lib" / "malscope" / kModule).string());
  }
#ifdef MALSCOPE_TEXTCNN_BUILD_PATH
  out.push_back(MALSCOPE_TEXTCNN_BUILD_PATH);
#endif
  return out;
}

// Loaded once per process and never unloaded (libtorch keeps threads and static state).
const Module& module() {
  static const Module m = [] {
    Module out;
    std::string tried;
    for (const std::string& path : candidates()) {
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) {
        tried += fmt::format("\n  {}: not found", path);
        continue;
      }
      void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!h) {
        const char* e = ::dlerror();
        tried += fmt::format("\n  {}: {}", path, e ? e : "dlopen failed");
        continue;
      }
      out.create = reinterpret_cast<CreateFn>(::dlsym(h, "malscope_seq_net_create"));
      out.destroy = reinterpret_cast<DestroyFn>(::dlsym(h, "malscope_seq_net_destroy"));
      if (out.create && out.destroy) return out;
      tried += fmt::format("\n  {}: not a malscope TextCNN module", path);
      out.create = nullptr;
      out.destroy = nullptr;
    }
    out.error = fmt::format(
        "the textcnn model needs {} (built with malscope when libtorch-dev is installed; "
        "MALSCOPE_TEXTCNN_LIB names another place); looked in:{}",
        kModule, tried.empty() ? std::string("\n  (nowhere)") : tried);
    return out;
  }();
  return m;
}

}  // namespace

void SeqNetDeleter::operator()(SeqNet* net) const {
  if (net) module().destroy(net);
}

SeqNetPtr make_seq_net() {
  const Module& m = module();
  if (!m.create) throw Error(m.error);
  SeqNet* net = m.create(kSeqNetAbi);
  if (!net)
    throw Error(fmt::format("{} is from another malscope version (network interface {} wanted)",
                            kModule, kSeqNetAbi));
  return SeqNetPtr(net);
}

bool seq_net_available(std::string* why) {
  const Module& m = module();
  if (why) *why = m.error;
  return m.create != nullptr;
}

}  // namespace malscope
