// `zakupai migrate`.
#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"
#include "store/database.hpp"

namespace zakupai::app {

int Migrate(const Config& config) {
    Modules m(config, false);
    const int applied = store::Migrate(m.Database());
    std::cout << "migrations applied: " << applied << "; schema version " << store::SchemaVersion(m.Database()) << "\n";
    return 0;
}

}  // namespace zakupai::app
