#include "app/cli.hpp"

#ifdef ZAKUPAI_JEMALLOC
// jemalloc reads this when it starts (MALLOC_CONF in the environment still wins). Without
// background threads an idle server never gives back what a burst took (a probe left it at
// 0.94 GB after peaking, from 0.21 GB): freed pages are purged only by later allocations in the
// same arena. A background thread purges them on jemalloc's default 10 s decay; a 1 s decay
// returned them sooner but cost 8–12 % of POST /calc/vat throughput (bench/http/run, A/B with
// MALLOC_CONF in one session), the purging falling on the request threads.
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the name jemalloc looks for
const char* malloc_conf = "background_thread:true,dirty_decay_ms:10000,muzzy_decay_ms:10000";
}
#endif

int main(int argc, char** argv) {
    return zakupai::app::Main(argc, argv);
}
