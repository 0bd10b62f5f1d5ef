#pragma once
// Temporary outputs that must not outlive an interrupted run. Every temporary file or folder
// malscope writes is registered here while it exists; a signal handler (the CLI installs one for
// SIGINT, SIGTERM and SIGHUP) calls remove_registered_temps(), which only uses async-signal-safe
// system calls.
#include <string>

namespace malscope {

/// Registers `path` (a temporary file or folder) for removal on a signal, until destroyed.
class TempRegistration {
 public:
  TempRegistration() = default;
  explicit TempRegistration(const std::string& path);
  ~TempRegistration();
  TempRegistration(TempRegistration&& o) noexcept : slot_(o.slot_) { o.slot_ = -1; }
  TempRegistration& operator=(TempRegistration&& o) noexcept;
  TempRegistration(const TempRegistration&) = delete;
  TempRegistration& operator=(const TempRegistration&) = delete;

 private:
  int slot_ = -1;  // -1: nothing registered (also when every slot was taken)
};

/// Removes every registered temporary file and folder (folders with their contents, two levels
/// deep). Async-signal-safe.
void remove_registered_temps() noexcept;

/// A name no other process will pick: 16 random hex digits (from the kernel's generator).
std::string random_suffix();

/// "<folder>/.<name>.tmp-<random>" for `path`: beside it, so a rename stays on one file system,
/// and unpredictable, so nobody can plant a link there beforehand.
std::string temp_path_beside(const std::string& path);

}  // namespace malscope
