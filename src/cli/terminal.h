#pragma once
// What the CLI shows on stderr while the library works: a progress line on a terminal.
#include "util/log.h"

namespace malscope::cli {

/// A progress line on stderr, rewritten in place, when stderr is a terminal, `quiet` is false
/// and MALSCOPE_NO_PROGRESS is unset; otherwise an empty ProgressFn.
ProgressFn terminal_progress(bool quiet = false);

}  // namespace malscope::cli
