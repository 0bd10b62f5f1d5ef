#pragma once
// Error types. Expected failures (bad input, bad usage) are exceptions carrying a message that
// names what failed and where; the CLI maps them to exit codes (1 error, 2 usage).
#include <stdexcept>
#include <string>

namespace malscope {

/// A failure the user can act on: bad input data, an unreadable file, a corrupt store.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A command line that cannot be run as given (exit code 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace malscope
