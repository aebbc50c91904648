#pragma once
// The command line: parses it, loads the configuration and runs one sub-command.

namespace zakupai::app {

// Returns the process exit code.
int Main(int argc, char** argv);

}  // namespace zakupai::app
