#pragma once
// Random identifiers: request ids, import batch ids.
#include <string>

namespace zakupai {

// A random UUID version 4, lower-case hex.
std::string NewUuid();

}  // namespace zakupai
