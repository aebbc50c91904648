#pragma once
// Letters from template files (data/templates/letters, logic-less mustache): a manifest declares
// each template's fields and their types; the context a client sends is validated against it,
// formatted for the letter's language (money, dates, amounts in words) and HTML-escaped.
#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "docs/locale.hpp"

namespace zakupai::docs {

enum class FieldType { kText, kLongText, kMoney, kDate, kBin, kList };

struct TemplateField {
    std::string name;
    FieldType type = FieldType::kText;
    bool required = false;
};

// A date the letter computes: `working_days` working days after the date field `from` (the
// complaint's 3 working days after the results protocol, Law 106-VIII Art. 25 p.1).
struct DeadlineRule {
    std::string name;
    std::string from;
    int working_days = 0;
};

struct Deadline {
    std::string name;
    Date date;
    bool passed = false;  // today is after it
};

struct LetterTemplate {
    std::string name;
    std::vector<DeadlineRule> deadlines;
    std::map<std::string, std::string> titles;  // "ru", "kz"
    std::vector<TemplateField> fields;
    std::map<std::string, std::string> bodies;  // "ru", "kz": mustache source
};

struct Letter {
    std::string template_name;
    std::string language;  // "ru" or "kz", as the original API named them
    std::string title;
    std::string html;
    std::vector<Deadline> deadlines;
};

class LetterTemplates {
public:
    // Loads the templates compiled into the binary; a broken template is a startup error.
    // Deadlines are counted on `calendar`, which must outlive the templates.
    static Result<LetterTemplates> LoadEmbedded(const WorkCalendar& calendar);

    // Fills a template. `language` is "ru", "kz" or "kk". Every missing or malformed field is
    // reported as "context.<field>". A deadline X is available as X, X_long and X_passed.
    Result<Letter> Generate(std::string_view name,
                            std::string_view language,
                            const boost::json::object& context,
                            Date today) const;

    const std::vector<LetterTemplate>& templates() const { return templates_; }

private:
    const LetterTemplate* Find(std::string_view name) const;
    std::vector<LetterTemplate> templates_;
    std::map<std::string, std::string, std::less<>> aliases_;
    std::string layout_;
    const WorkCalendar* calendar_ = nullptr;
};

std::string_view FieldTypeName(FieldType type);

}  // namespace zakupai::docs
