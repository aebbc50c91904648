#pragma once
// The work `serve` does on its own: the portal sync every interval (new and changed lots scored
// right after), the slow registers once a day (RNU list, participants, contracts), and the
// pruning of old risk evaluations, and once a day the retention of answered calculations and of
// the answers kept for Idempotency-Key retries (a day), and the audit log's archiving. One
// thread; Stop() ends it at the next step.
#include <chrono>
#include <functional>
#include <thread>

namespace zakupai::app {

class Modules;

class Scheduler {
public:
    // Runs its work only while `leading` says so (one instance of several does it).
    Scheduler(Modules& modules, std::function<bool()> leading);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;
    void Stop();

private:
    using Steady = std::chrono::steady_clock;
    // Does what is due; returns when to look again.
    Steady::time_point Step(const std::stop_token& stop);

    Modules& modules_;
    std::function<bool()> leading_;
    Steady::time_point next_sync_;
    Steady::time_point next_registers_;
    Steady::time_point next_prune_;
    Steady::time_point next_daily_;
    std::jthread thread_;
};

}  // namespace zakupai::app
