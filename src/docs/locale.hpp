#pragma once
// ru-KZ and kk-KZ conventions for documents: money as "1 234 567,89 ₸" (U+00A0 between groups
// and before the sign, a decimal comma), dates "25.11.2026", long dates, and amounts in words
// as contracts and acts write them ("... тенге 89 тиын").
#include <string>

#include "core/money.hpp"
#include "core/time.hpp"

namespace zakupai::docs {

enum class Language { kRussian, kKazakh };

// The largest amount written in words: 999 999 999 999,99 tenge.
inline constexpr Tiyn kMaxWordsAmount = 99'999'999'999'999;

std::string FormatMoney(Tiyn amount);                      // "1 234 567,89 ₸" (identical in ru-KZ and kk-KZ)
std::string FormatShortDate(Date date);                    // "25.11.2026"
std::string FormatLongDate(Date date, Language language);  // "25 ноября 2026 г." / "2026 ж. 25 қараша"

// "один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь тенге 89 тиын";
// negative or larger than kMaxWordsAmount is an error naming the limit.
Result<std::string> AmountInWords(Tiyn amount, Language language);

// "1 234 567,89 (Один миллион ... семь) тенге 89 тиын", the form typical contracts use.
Result<std::string> AmountWithWords(Tiyn amount, Language language);

}  // namespace zakupai::docs
