// `zakupai reindex [--semantic]`: the search indexes rebuilt from the database.
#include <fmt/format.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/modules.hpp"
#include "app/progress.hpp"
#include "search/indexer.hpp"
#include "search/semantic_index.hpp"

namespace zakupai::app {

namespace {

double SecondsSince(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

int Reindex(const Config& config, bool with_semantic) {
    Modules m(config, true);
    const auto started = std::chrono::steady_clock::now();
    const auto done = [&] {
        Progress progress("lots", "indexed");
        return m.Indexer().Rebuild([&progress](std::int64_t n, std::int64_t total) { progress.Show(n, total); });
    }();
    std::cout << fmt::format("reindex done: {} lots in {:.1f} s\n", done, SecondsSince(started));
    if (with_semantic) {
        // Under the full-text index's lock, so no server writes the vector files meanwhile.
        auto& semantic = m.Semantic();
        const auto semantic_started = std::chrono::steady_clock::now();
        auto embedded = [&] {
            Progress progress("texts", "embedded");
            return semantic.Rebuild([&progress](std::int64_t n, std::int64_t total) { progress.Show(n, total); });
        }();
        if (!embedded) {
            std::cerr << "zakupai: semantic index: " << embedded.error().message << "\n";
            return 1;
        }
        const auto status = semantic.Status();
        std::cout << fmt::format(
            "semantic reindex done: {} lots and {} documents as {}-dimensional vectors ({}) in {:.1f} s\n",
            status.lots,
            status.documents,
            status.dimension,
            status.embedder,
            SecondsSince(semantic_started));
    }
    return 0;
}

}  // namespace zakupai::app
