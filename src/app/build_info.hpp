#pragma once
// The version and build type CMake passes to this module; the fallbacks serve tools that compile
// one file on its own.
#ifndef ZAKUPAI_VERSION
#define ZAKUPAI_VERSION "0.0.0"
#endif
#ifndef ZAKUPAI_BUILD_TYPE
#define ZAKUPAI_BUILD_TYPE "unknown"
#endif

namespace zakupai::app {

inline constexpr const char* kVersion = ZAKUPAI_VERSION;
inline constexpr const char* kBuildType = ZAKUPAI_BUILD_TYPE;

}  // namespace zakupai::app
