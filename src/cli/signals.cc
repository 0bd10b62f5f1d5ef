#include "cli/signals.h"

#include <unistd.h>

#include <csignal>

#include "util/temp_files.h"

namespace malscope::cli {
namespace {

extern "C" void on_fatal_signal(int sig) {
  remove_registered_temps();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

extern "C" void on_sigbus(int) {
  static const char msg[] =
      "malscope: error: an input file shrank while it was being read; nothing written\n";
  ssize_t ignored = ::write(2, msg, sizeof msg - 1);
  (void)ignored;
  remove_registered_temps();
  ::_exit(1);
}

void install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
}

}  // namespace

void remove_temps_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) install(sig, on_fatal_signal);
}

void fail_cleanly_on_sigbus() {
  install(SIGBUS, on_sigbus);
}

}  // namespace malscope::cli
