#pragma once
// Process-wide signal handling, which only the CLI decides: an interrupted run leaves no
// temporary output behind.
namespace malscope::cli {

/// On SIGINT, SIGTERM and SIGHUP: remove every registered temporary output, then die of the
/// signal as the default action would (so the shell sees it).
void remove_temps_on_signals();

/// On SIGBUS (a memory-mapped input truncated by another program while it was read): say so,
/// remove the temporary outputs and exit 1.
void fail_cleanly_on_sigbus();

}  // namespace malscope::cli
