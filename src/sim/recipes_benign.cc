// Benign programs: many kinds, so that "normal" is diverse and overlaps every malware class
// somewhere (installers write many files, archivers hash and encrypt, browsers run many network
// threads, admin tools enumerate processes and services, games call GetSystemMetrics in bulk).
#include <cmath>

#include "sim/recipes.h"

namespace malscope::sim {
namespace {

enum class Kind {
  kGui,
  kConsole,
  kInstaller,
  kBrowser,
  kUpdater,
  kService,
  kGame,
  kArchiver,
  kAdmin,
  kEditor
};
constexpr const char* kKindNames[] = {"gui",     "console", "installer", "browser", "updater",
                                      "service", "game",    "archiver",  "admin",   "editor"};
constexpr double kKindWeights[] = {20, 12, 12, 8, 8, 10, 8, 6, 8, 8};

Kind pick_kind(Rng& rng) {
  double total = 0;
  for (double w : kKindWeights) total += w;
  double u = rng.uniform() * total;
  for (int k = 0; k < 10; ++k) {
    if (u < kKindWeights[k]) return static_cast<Kind>(k);
    u -= kKindWeights[k];
  }
  return Kind::kGui;
}

void gui(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.gui", 1, 1);
  b.maybe(0.5, p.main.prologue, "start.com", 1, 1, 0.9);
  b.add(p.main.prologue, "reg.read", 1, 3, 0.9);
  b.add(p.main.body, "gui.loop", 1, 6);
  b.add(p.main.body, "gui.res", 1, 1, 0.3);
  b.add(p.main.body, "reg.read.nt", 1, 2, 0.4);
  b.add(p.main.body, "file.probe", 1, 3, 0.3);
  b.add(p.main.body, "mem.churn", 1, 1, 0.5);
  b.maybe(0.5, p.main.body, "dll.load", 1, 1, 0.15);
  b.add(p.main.body, "time", 1, 1, 0.3);
  b.maybe(0.6, p.main.body, "file.read", 1, 1, 0.1);
  b.maybe(0.3, p.main.body, "gui.shell", 1, 1, 0.05);
  b.add(p.main.body, "sync.sleep", 1, 1, 0.2);
  p.layout.workers_lo = 0;
  p.layout.workers_hi = 2;
  p.layout.main_share = 0.7f;
}

void console(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.console", 1, 1);
  b.maybe(0.4, p.main.prologue, "paths.short", 1, 1, 0.8);
  b.add(p.main.body, "file.list", 1, 1, 0.3);
  b.add(p.main.body, "file.read", 1, 4, 0.8);
  b.add(p.main.body, "file.write", 1, 3, 0.4);
  b.add(p.main.body, "console.out", 1, 1, 0.5);
  b.add(p.main.body, "reg.read.nt", 1, 1, 0.2);
  b.add(p.main.body, "mem.churn", 1, 1, 0.4);
  b.maybe(0.3, p.main.body, "proc.spawn", 1, 1, 0.03);
}

void installer(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.gui", 1, 1);
  b.add(p.main.prologue, "paths", 1, 2);
  b.maybe(0.4, p.main.prologue, "crypto.hash", 1, 2, 0.9);  // signature / checksum check
  b.maybe(0.3, p.main.prologue, "cert.check", 1, 1, 0.9);
  b.maybe(0.5, p.main.prologue, "volume", 1, 1, 0.8);
  b.add(p.main.body, "dir.create", 1, 1, 0.5);
  b.add(p.main.body, "file.write", 1, 4, 0.9);
  b.add(p.main.body, "reg.write", 1, 3, 0.6);
  b.add(p.main.body, "file.copy", 1, 2, 0.3);
  b.add(p.main.body, "file.probe", 1, 3, 0.5);
  b.add(p.main.body, "gui.loop", 1, 2, 0.4);
  b.maybe(0.4, p.main.body, "file.attrs", 1, 1, 0.3);
  b.maybe(0.3, p.main.body, "svc.query", 1, 1, 0.05);
  b.maybe(0.3, p.main.body, "persist.run", 1, 1, 0.02);  // "launch at start-up" option
  b.add(p.main.epilogue, "proc.spawn", 1, 1, 0.3);
  p.layout.workers_hi = 2;
  p.layout.main_share = 0.8f;
}

void browser(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.gui", 1, 1);
  b.add(p.main.prologue, "sock.init", 1, 1);
  b.add(p.main.prologue, "start.com", 1, 1, 0.8);
  b.maybe(0.5, p.main.prologue, "net.state", 1, 1, 0.8);
  b.add(p.main.body, "gui.loop", 1, 3, 0.6);
  b.add(p.main.body, "reg.read", 1, 1, 0.3);
  b.add(p.main.body, "file.read", 1, 2, 0.3);
  b.add(p.main.body, "mem.churn", 1, 2, 0.5);
  for (Routine* r : {&p.main.body, &p.worker.body}) {
    b.add(*r, "dns", 1, 1, 0.3);
    b.add(*r, "sock.client", 1, 3, 0.6);
    b.maybe(0.5, *r, "http.get", 1, 1, 0.3);
    b.maybe(0.5, *r, "tls", 1, 2, 0.4);
    b.add(*r, "file.write", 1, 2, 0.3);
    b.maybe(0.3, *r, "crypto.hash", 1, 1, 0.05);
    b.add(*r, "sync.sleep", 1, 1, 0.3);
  }
  b.add(p.worker.body, "mem.churn", 1, 1, 0.4);
  p.layout.calls_per_worker = static_cast<uint32_t>(b.rng().range(3000, 6000));
  p.layout.workers_lo = 1;
  p.layout.workers_hi = static_cast<uint16_t>(b.rng().range(6, 30));
  p.layout.main_share = 0.35f;
}

void updater(ProtoBuilder& b, Prototype& p) {
  b.maybe(0.5, p.main.prologue, "sock.init", 1, 1);
  b.add(p.main.prologue, "reg.read", 1, 2);
  b.add(p.main.body, "http.get", 1, 2, 0.9);
  b.add(p.main.body, "file.write", 1, 3, 0.6);
  b.maybe(0.6, p.main.body, "crypto.hash", 1, 1, 0.5);
  b.add(p.main.body, "sync.sleep", 1, 1, 0.5);
  b.add(p.main.body, "reg.write", 1, 1, 0.2);
  b.maybe(0.5, p.main.body, "proc.spawn", 1, 1, 0.05);
  b.maybe(0.3, p.main.body, "file.version", 1, 2, 0.4);
  p.layout.workers_hi = 1;
}

void service(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "reg.read.nt", 1, 4);
  b.maybe(0.5, p.main.prologue, "sync.mutex", 1, 1);
  for (Routine* r : {&p.main.body, &p.worker.body}) {
    b.add(*r, "reg.read.nt", 1, 3, 0.7);
    b.add(*r, "sync.sleep", 1, 2, 0.7);
    b.add(*r, "time", 1, 1, 0.5);
  }
  b.maybe(0.5, p.main.body, "reg.enum", 1, 1, 0.2);
  b.add(p.main.body, "file.read", 1, 1, 0.3);
  b.maybe(0.3, p.main.body, "wmi", 1, 1, 0.1);
  b.maybe(0.4, p.worker.body, "sock.client", 1, 1, 0.2);
  b.maybe(0.3, p.main.body, "svc.query", 1, 1, 0.05);
  p.layout.workers_lo = 1;
  p.layout.workers_hi = 5;
  p.layout.main_share = 0.4f;
}

void game(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.gui", 1, 1);
  b.add(p.main.prologue, "dll.load", 3, 10);
  b.add(p.main.prologue, "file.read", 2, 8);
  for (Routine* r : {&p.main.body, &p.worker.body}) {
    b.add(*r, "mem.churn", 1, 4, 0.8);
    b.add(*r, "time", 1, 3, 0.6);
    b.add(*r, "file.read", 1, 3, 0.4);
  }
  b.add(p.main.body, "gui.loop", 1, 3, 0.6);
  b.add(p.main.body, "metrics", 1, 4, 0.5);
  b.add(p.worker.body, "sync.sleep", 1, 1, 0.4);
  p.layout.calls_per_worker = 3000;
  p.layout.workers_lo = 1;
  p.layout.workers_hi = 8;
  p.layout.main_share = 0.5f;
}

void archiver(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.console", 1, 1, 0.5);
  b.maybe(0.5, p.main.prologue, "volume", 1, 1, 0.6);
  b.maybe(0.3, p.main.prologue, "crypto.encrypt", 1, 1, 0.5);  // password-protected archives
  for (Routine* r : {&p.main.body, &p.worker.body}) {
    b.add(*r, "file.list", 1, 2, 0.7);
    b.add(*r, "file.read", 2, 6, 0.9);
    b.add(*r, "file.write", 2, 6, 0.8);
  }
  b.maybe(0.6, p.main.body, "crypto.hash", 1, 1, 0.3);  // checksums
  b.maybe(0.4, p.main.body, "file.rename", 1, 1, 0.1);
  b.maybe(0.5, p.main.body, "file.attrs", 1, 1, 0.3);
  b.maybe(0.3, p.main.body, "file.delete", 1, 2, 0.1);
  p.layout.workers_hi = 3;
  p.layout.main_share = 0.5f;
}

void admin(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.com", 1, 1, 0.7);
  b.add(p.main.body, "proc.enum", 1, 1, 0.6);
  b.add(p.main.body, "svc.query", 1, 1, 0.5);
  b.maybe(0.5, p.main.body, "wmi", 1, 1, 0.3);
  b.add(p.main.body, "reg.enum", 1, 1, 0.5);
  b.add(p.main.body, "sysinfo", 1, 1, 0.6);
  b.maybe(0.5, p.main.body, "volume", 1, 1, 0.3);
  b.maybe(0.3, p.main.body, "thread.enum", 1, 1, 0.2);
  b.maybe(0.3, p.main.body, "module.enum", 1, 1, 0.2);
  b.maybe(0.3, p.main.body, "netapi.recon", 1, 1, 0.1);
  b.add(p.main.body, "console.out", 1, 1, 0.3);
  b.add(p.main.body, "gui.loop", 1, 2, 0.3);
  p.layout.workers_hi = 1;
}

void editor(ProtoBuilder& b, Prototype& p) {
  b.add(p.main.prologue, "start.gui", 1, 1);
  b.add(p.main.prologue, "start.ole", 1, 1, 0.8);
  b.add(p.main.prologue, "file.read", 1, 4);
  for (Routine* r : {&p.main.body, &p.worker.body}) {
    b.add(*r, "file.write", 1, 2, 0.3);  // autosave
    b.add(*r, "reg.read", 1, 1, 0.3);
  }
  b.add(p.main.body, "gui.loop", 1, 5, 0.8);
  b.add(p.main.body, "gui.res", 1, 2, 0.3);
  b.add(p.main.body, "reg.write", 1, 1, 0.1);
  b.maybe(0.4, p.main.body, "crypto.protect", 1, 1, 0.02);
  b.add(p.worker.body, "sync.sleep", 1, 1, 0.5);
  p.layout.workers_lo = 1;
  p.layout.workers_hi = 4;
  p.layout.main_share = 0.7f;
}

}  // namespace

void build_normal(ProtoBuilder& b) {
  Prototype& p = b.proto();
  Kind kind = pick_kind(b.rng());
  p.name += std::string(" (") + kKindNames[static_cast<int>(kind)] + ")";
  b.process_start(p.main.prologue);
  b.add(p.worker.prologue, "dll.handle", 1, 1, 0.5);
  switch (kind) {
    case Kind::kGui:
      gui(b, p);
      break;
    case Kind::kConsole:
      console(b, p);
      break;
    case Kind::kInstaller:
      installer(b, p);
      break;
    case Kind::kBrowser:
      browser(b, p);
      break;
    case Kind::kUpdater:
      updater(b, p);
      break;
    case Kind::kService:
      service(b, p);
      break;
    case Kind::kGame:
      game(b, p);
      break;
    case Kind::kArchiver:
      archiver(b, p);
      break;
    case Kind::kAdmin:
      admin(b, p);
      break;
    case Kind::kEditor:
      editor(b, p);
      break;
  }
  if (p.worker.body.empty()) b.add(p.worker.body, "sync.sleep", 1, 1);
  b.maybe(0.3, p.main.body, "exception", 1, 1, 0.01);
  b.add(p.main.epilogue, b.rng().chance(0.3) ? "exit.com" : "exit", 1, 1, 0.9);
  benign_helper(b);
  p.layout.helpers_hi = static_cast<uint8_t>(b.rng().range(0, 2));
  jitter(p, b.rng(), 1.0, 0.04);
}

void benign_helper(ProtoBuilder& b) {
  Prototype& p = b.proto();
  b.add(p.helper.prologue, "dll.handle", 1, 1, 0.5);
  b.add(p.helper.body, "sync.sleep", 1, 2);
  b.add(p.helper.body, "time", 1, 1, 0.4);
  b.add(p.helper.body, "mem.churn", 1, 1, 0.3);
  b.add(p.helper.body, "reg.read.nt", 1, 1, 0.1);
}

void jitter(Prototype& p, Rng& rng, double size_factor, double early_exit) {
  p.noise.insert = static_cast<float>(0.01 + 0.04 * rng.uniform());
  p.noise.drop = static_cast<float>(0.003 + 0.017 * rng.uniform());
  p.noise.swap = static_cast<float>(0.003 + 0.017 * rng.uniform());
  p.size_factor = size_factor * std::exp(0.5 * rng.normal());
  p.err_scale = std::exp(0.4 * rng.normal());
  p.early_exit = early_exit;
}

}  // namespace malscope::sim
