#include "app/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace zakupai::app {

std::string Thousands(std::int64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ' ';
        }
        out += digits[i];
    }
    return out;
}

Progress::Progress(std::string unit, std::string verb)
    : unit_(std::move(unit)),
      verb_(std::move(verb)),
      terminal_(::isatty(STDERR_FILENO) == 1),
      started_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
    if (shown_) {
        std::cerr << "\n";
    }
}

void Progress::Show(std::int64_t done, std::optional<std::int64_t> total) {
    Show(done, total, verb_);
}

void Progress::Show(std::int64_t done, std::optional<std::int64_t> total, std::string_view extra) {
    if (!terminal_) {
        return;
    }
    shown_ = true;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    std::string bar;
    std::string eta = "?";
    if (total && *total > 0) {
        const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
        const int filled = static_cast<int>(share * 30);
        bar = "[" + std::string(filled, '#') + std::string(30 - filled, '.') + "] ";
        if (rate > 0) {
            eta = fmt::format("{:.0f} s", static_cast<double>(*total - done) / rate);
        }
    }
    std::cerr << fmt::format("\r{}{} / {} {} · {} · {:.0f} {}/s · ETA {}   ",
                             bar,
                             Thousands(done),
                             total ? Thousands(*total) : "?",
                             unit_,
                             extra,
                             rate,
                             unit_,
                             eta)
              << std::flush;
}

}  // namespace zakupai::app
