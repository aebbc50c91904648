// LotIndex::Search on an index built by `zakupai reindex` (the HTTP route adds the lots' rows
// from the database and the JSON on top). The queries are bench/search/run's mix.
// Run: ZAKUPAI_DATA_DIR=/path/with/search/lots build/release/bench/search_bench
// (the index must not be open in a running server: Xapian allows one writer).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "search/lot_index.hpp"

namespace {

using zakupai::search::LotIndex;
using zakupai::search::LotQuery;
using zakupai::search::SortBy;

LotIndex& Index() {
    static const std::unique_ptr<LotIndex> kIndex = [] {
        const char* dir = std::getenv("ZAKUPAI_DATA_DIR");
        auto opened = LotIndex::Open(std::string(dir != nullptr ? dir : "data") + "/search/lots");
        if (!opened) {
            std::cerr << opened.error().message << "\n";
            std::exit(1);
        }
        return std::move(*opened);
    }();
    return *kIndex;
}

void Run(benchmark::State& state, const LotQuery& query) {
    std::int64_t total = 0;
    for (auto _ : state) {
        auto results = Index().Search(query);
        total = results->total;
        benchmark::DoNotOptimize(results);
    }
    state.counters["total"] = static_cast<double>(total);
}

void BM_WordForm(benchmark::State& state) {
    LotQuery q;
    q.text = "бумаги";
    q.facets = state.range(0) != 0;
    Run(state, q);
}
BENCHMARK(BM_WordForm)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_WordsWithFilters(benchmark::State& state) {
    LotQuery q;
    q.text = "ноутбуки";
    q.methods = {"tender", "auction"};
    q.min_amount = 100000;
    q.facets = state.range(0) != 0;
    Run(state, q);
}
BENCHMARK(BM_WordsWithFilters)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_WordSortedByAmount(benchmark::State& state) {
    LotQuery q;
    q.text = "ремонт";
    q.sort = SortBy::kAmount;
    q.facets = state.range(0) != 0;
    Run(state, q);
}
BENCHMARK(BM_WordSortedByAmount)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_FilterSortedByDeadline(benchmark::State& state) {
    LotQuery q;
    q.methods = {"price_offers"};
    q.sort = SortBy::kDeadline;
    q.descending = false;
    q.deadline_from = std::chrono::sys_days{std::chrono::year{2026} / 10 / 31} + std::chrono::hours{19};
    q.facets = state.range(0) != 0;
    Run(state, q);
}
BENCHMARK(BM_FilterSortedByDeadline)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

void BM_FilterDeepPage(benchmark::State& state) {
    LotQuery q;
    q.statuses = {"published"};
    q.limit = 50;
    q.offset = 950;
    q.facets = state.range(0) != 0;
    Run(state, q);
}
BENCHMARK(BM_FilterDeepPage)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
