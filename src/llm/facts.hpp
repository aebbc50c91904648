#pragma once
// Answers from the numbers the project holds as data: the calculators' rule book (VAT by date and
// category, bid and performance security by method, dumping thresholds by method and subject,
// penalty rate and caps, МРП, the periods the law sets) and the working-day calendar. A question
// these cover gets the number in its first sentence, then the condition, then the rule's source,
// in the question's language; anything else is left to the knowledge-base passages.
#include <optional>
#include <string>
#include <vector>

#include "calc/rules.hpp"
#include "core/calendar.hpp"
#include "llm/question.hpp"

namespace zakupai::llm {

struct Source {
    std::string id;  // knowledge-base article id, "rules:<table>", "calendar:<year>" or "lot:<id>"
    std::string title;
    std::string reference;  // the law's articles, or the API path of the lot
};

struct Fact {
    std::string text;                  // the whole answer: the number first, the condition, the source
    std::vector<std::string> numbers;  // what the answer states ("16%", "4 325 ₸"): a provider must keep them
    Source source;
    std::string article;  // the knowledge-base article on the same subject, when there is one
};

class FactBook {
public:
    // Both must outlive the book.
    FactBook(const calc::RuleBook& rules, const WorkCalendar& calendar) : rules_(rules), calendar_(calendar) {}

    std::optional<Fact> Answer(const Question& question) const;

    // Every period in the rule book /ask can recognise a question about (tested: none is unreachable).
    static std::vector<std::string> KnownTerms();

private:
    std::optional<Fact> Term(const Question& q) const;
    std::optional<Fact> WorkingDay(const Question& q) const;
    std::optional<Fact> Vat(const Question& q) const;
    std::optional<Fact> BidSecurity(const Question& q) const;
    std::optional<Fact> PerformanceSecurity(const Question& q) const;
    std::optional<Fact> Dumping(const Question& q) const;
    std::optional<Fact> Penalty(const Question& q) const;
    std::optional<Fact> Mrp(const Question& q) const;

    const calc::RuleBook& rules_;
    const WorkCalendar& calendar_;
};

// Whether `answer` states every one of `numbers` (spaces and the decimal mark aside, and not as
// part of a longer number): how a provider's rewording is checked against the facts it was given.
bool KeepsNumbers(const std::string& answer, const std::vector<std::string>& numbers);

}  // namespace zakupai::llm
