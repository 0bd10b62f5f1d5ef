// The thin CLI: all work is in the library (src/), this only hands over argv.
#include "cli/commands.h"

int main(int argc, char** argv) {
  return malscope::cli::run(argc, argv);
}
