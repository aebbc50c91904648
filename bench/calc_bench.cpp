// Hot paths behind every calculator request: JSON field reading, the calculation, and
// serialising the answer. Run: build/release/bench/calc_bench
#include <benchmark/benchmark.h>

#include "api/calc_json.hpp"
#include "core/json.hpp"

namespace {

const zakupai::calc::RuleBook& Rules() {
    static const zakupai::calc::RuleBook kRules = *zakupai::calc::ParseRuleBook(zakupai::calc::EmbeddedRuleBookJson());
    return kRules;
}

constexpr std::string_view kVatBody = R"({"amount":1160,"vat_rate":16,"include_vat":true,"lot_id":42})";
constexpr std::string_view kDumpingBody = R"({"method":"tender","amount":10000000,"bid":8500000})";

// What a calculator route does between the parsed body and the answer's bytes (and the record).
std::string Answer(const boost::json::object& body, std::string_view text, std::string_view kind, zakupai::Date today) {
    auto answer = zakupai::api::EvaluateCalc(Rules(), kind, body, today, text);
    benchmark::DoNotOptimize(answer->input_json);
    zakupai::JsonWriter w;
    w.BeginObject();
    zakupai::api::WriteCalcFields(w, answer->result);
    return w.EndObject().Take();
}

void BM_VatEvaluate(benchmark::State& state) {
    const auto body = *zakupai::ParseJsonObject(kVatBody);
    const auto today = *zakupai::ParseIsoDate("2026-11-25");
    for (auto _ : state) benchmark::DoNotOptimize(Answer(body, kVatBody, "vat", today));
}
BENCHMARK(BM_VatEvaluate);

void BM_VatParseAndEvaluate(benchmark::State& state) {
    const auto today = *zakupai::ParseIsoDate("2026-11-25");
    for (auto _ : state) {
        auto body = zakupai::ParseJsonObject(kVatBody);
        benchmark::DoNotOptimize(Answer(*body, kVatBody, "vat", today));
    }
}
BENCHMARK(BM_VatParseAndEvaluate);

void BM_DumpingEvaluate(benchmark::State& state) {
    const auto body = *zakupai::ParseJsonObject(kDumpingBody);
    const auto today = *zakupai::ParseIsoDate("2026-11-25");
    for (auto _ : state) benchmark::DoNotOptimize(Answer(body, kDumpingBody, "dumping", today));
}
BENCHMARK(BM_DumpingEvaluate);

}  // namespace

BENCHMARK_MAIN();
