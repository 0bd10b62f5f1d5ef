#include "util/temp_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include "util/hash.h"

namespace malscope {
namespace {

// Fixed storage: a signal handler can read it without locks or allocation.
constexpr int kSlots = 256;
constexpr size_t kPathMax = 4096;
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being written, 2 registered
  char path[kPathMax];
};
Slot g_slots[kSlots];

// Removes `name` (a file, or a folder with its entries, recursion bounded by depth), with system
// calls alone. Listing a folder while removing from it may skip entries: up to three passes.
void remove_tree_at(int parent, const char* name, int depth) noexcept {
  if (::unlinkat(parent, name, 0) == 0) return;
  for (int pass = 0; pass < 3; ++pass) {
    int dir = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) return;
    alignas(8) char buf[4096];
    for (long n; (n = ::syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0;) {
      for (long off = 0; off < n;) {
        // glibc's dirent64 has the kernel's getdents64 layout.
        auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
        off += d->d_reclen;
        if (std::strcmp(d->d_name, ".") == 0 || std::strcmp(d->d_name, "..") == 0) continue;
        if (d->d_type == DT_DIR) {
          if (depth > 0) remove_tree_at(dir, d->d_name, depth - 1);
        } else {
          ::unlinkat(dir, d->d_name, 0);
        }
      }
    }
    ::close(dir);
    if (::unlinkat(parent, name, AT_REMOVEDIR) == 0) return;
  }
}

}  // namespace

TempRegistration::TempRegistration(const std::string& path) {
  if (path.size() >= kPathMax) return;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (!g_slots[i].state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].state.store(2, std::memory_order_release);
    slot_ = i;
    return;
  }
}

TempRegistration::~TempRegistration() {
  if (slot_ >= 0) g_slots[slot_].state.store(0, std::memory_order_release);
}

TempRegistration& TempRegistration::operator=(TempRegistration&& o) noexcept {
  if (this != &o) {
    if (slot_ >= 0) g_slots[slot_].state.store(0, std::memory_order_release);
    slot_ = o.slot_;
    o.slot_ = -1;
  }
  return *this;
}

void remove_registered_temps() noexcept {
  for (Slot& s : g_slots)
    if (s.state.load(std::memory_order_acquire) == 2) remove_tree_at(AT_FDCWD, s.path, 2);
}

std::string temp_path_beside(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + name + ".tmp-" + random_suffix();
}

std::string random_suffix() {
  uint64_t r = 0;
  if (::getrandom(&r, sizeof r, 0) != sizeof r)  // no entropy yet: time and pid still differ
    r = mix64(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) ^
              (uint64_t(::getpid()) << 32));
  static const char kHex[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 0; i < 16; ++i) s[i] = kHex[(r >> (4 * i)) & 15];
  return s;
}

}  // namespace malscope
