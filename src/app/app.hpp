#pragma once
#include <string>
#include <vector>

namespace zakupai::app {

// Parses the command line and runs the sub-command; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace zakupai::app
