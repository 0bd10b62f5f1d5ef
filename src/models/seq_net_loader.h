#pragma once
// Loads the TextCNN network module (libmalscope_textcnn.so, libtorch inside) on first use. It is
// looked for, in order: at $MALSCOPE_TEXTCNN_LIB; beside the running program; in ../lib/malscope
// from it; where this build wrote it.
#include <memory>
#include <string>

#include "models/seq_net.h"

namespace malscope {

/// Deletes a network through the module that made it.
struct SeqNetDeleter {
  void operator()(SeqNet* net) const;
};
using SeqNetPtr = std::unique_ptr<SeqNet, SeqNetDeleter>;

/// A new, uninitialised network; throws Error naming the places looked in and why each failed
/// when the module cannot be loaded (e.g. malscope was built without libtorch-dev).
SeqNetPtr make_seq_net();
/// Whether make_seq_net() can work; if not, `why` (when given) says why.
bool seq_net_available(std::string* why = nullptr);

}  // namespace malscope
