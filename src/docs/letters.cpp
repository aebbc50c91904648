#include "docs/letters.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <kainjow/mustache.hpp>

#include "core/bin.hpp"
#include "core/json.hpp"

namespace zakupai::embedded {
extern const std::vector<std::pair<std::string_view, std::string_view>>& LetterTemplates();
}

namespace zakupai::docs {

namespace json = boost::json;
namespace mustache = kainjow::mustache;

namespace {

constexpr std::size_t kTextLimit = 500;
constexpr std::size_t kLongTextLimit = 5000;
constexpr std::size_t kListLimit = 50;

std::string_view FindFile(std::string_view name) {
    for (const auto& [file, content] : embedded::LetterTemplates()) {
        if (file == name) {
            return content;
        }
    }
    return {};
}

Result<FieldType> ParseFieldType(std::string_view text) {
    for (FieldType type : {FieldType::kText,
                           FieldType::kLongText,
                           FieldType::kMoney,
                           FieldType::kDate,
                           FieldType::kBin,
                           FieldType::kList}) {
        if (FieldTypeName(type) == text) {
            return type;
        }
    }
    return Fail(Error{ErrorCode::kInternal, "letter manifest: unknown field type " + std::string(text), {}});
}

// A compile check so a template error is found at start-up, not by the first user.
Result<void> CheckTemplate(const std::string& name, const std::string& source) {
    mustache::mustache tmpl{source};
    if (!tmpl.is_valid()) {
        return Fail(Error{ErrorCode::kInternal, "letter template " + name + ": " + tmpl.error_message(), {}});
    }
    return {};
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
    switch (type) {
        case FieldType::kText:
            return "text";
        case FieldType::kLongText:
            return "long_text";
        case FieldType::kMoney:
            return "money";
        case FieldType::kDate:
            return "date";
        case FieldType::kBin:
            return "bin";
        case FieldType::kList:
            return "list";
    }
    return "text";
}

Result<LetterTemplates> LetterTemplates::LoadEmbedded(const WorkCalendar& calendar) {
    LetterTemplates set;
    set.calendar_ = &calendar;
    set.layout_ = std::string(FindFile("letters/layout.mustache"));
    if (set.layout_.empty()) {
        return Fail(Error{ErrorCode::kInternal, "letters/layout.mustache is missing", {}});
    }
    if (auto ok = CheckTemplate("layout", set.layout_); !ok) {
        return Fail(ok.error());
    }
    boost::system::error_code ec;
    const json::value manifest = json::parse(FindFile("letters/manifest.json"), ec);
    if (ec || !manifest.is_object() || !manifest.as_object().contains("templates")) {
        return Fail(Error{ErrorCode::kInternal, "letters/manifest.json is not a valid manifest", {}});
    }
    for (const auto& [name_key, spec_value] : manifest.at("templates").as_object()) {
        const std::string name(name_key);
        const auto& spec = spec_value.as_object();
        LetterTemplate letter;
        letter.name = name;
        for (const auto& [lang, title] : spec.at("title").as_object()) {
            letter.titles[std::string(lang)] = std::string(title.as_string());
            const std::string file = "letters/" + name + "." + std::string(lang) + ".mustache";
            const std::string body(FindFile(file));
            if (body.empty()) {
                return Fail(Error{ErrorCode::kInternal, file + " is missing", {}});
            }
            if (auto ok = CheckTemplate(file, body); !ok) {
                return Fail(ok.error());
            }
            letter.bodies[std::string(lang)] = body;
        }
        for (const auto& field_value : spec.at("fields").as_array()) {
            const auto& field = field_value.as_object();
            auto type = ParseFieldType(field.at("type").as_string());
            if (!type) {
                return Fail(type.error());
            }
            letter.fields.push_back({std::string(field.at("name").as_string()), *type, field.at("required").as_bool()});
        }
        if (auto it = spec.find("deadlines"); it != spec.end()) {
            for (const auto& rule_value : it->value().as_array()) {
                const auto& rule = rule_value.as_object();
                DeadlineRule deadline{std::string(rule.at("name").as_string()),
                                      std::string(rule.at("from").as_string()),
                                      static_cast<int>(rule.at("working_days").as_int64())};
                const bool known = std::any_of(letter.fields.begin(), letter.fields.end(), [&](const TemplateField& f) {
                    return f.name == deadline.from && f.type == FieldType::kDate;
                });
                if (!known || deadline.working_days < 1) {
                    return Fail(Error{ErrorCode::kInternal,
                                      "letters/manifest.json: deadline " + deadline.name + " of " + name +
                                          " needs a date field and a positive number of working days",
                                      {}});
                }
                letter.deadlines.push_back(std::move(deadline));
            }
        }
        if (auto it = spec.find("aliases"); it != spec.end()) {
            for (const auto& alias : it->value().as_array()) {
                set.aliases_[std::string(alias.as_string())] = name;
            }
        }
        set.templates_.push_back(std::move(letter));
    }
    return set;
}

const LetterTemplate* LetterTemplates::Find(std::string_view name) const {
    std::string_view canonical = name;
    if (auto it = aliases_.find(name); it != aliases_.end()) {
        canonical = it->second;
    }
    for (const auto& letter : templates_) {
        if (letter.name == canonical) {
            return &letter;
        }
    }
    return nullptr;
}

Result<Letter> LetterTemplates::Generate(std::string_view name,
                                         std::string_view language,
                                         const json::object& context,
                                         Date today) const {
    const LetterTemplate* letter = Find(name);
    if (letter == nullptr) {
        std::string names;
        for (const auto& t : templates_) {
            names += (names.empty() ? "" : ", ") + t.name;
        }
        return Fail(Error::Invalid("template", "must be one of: " + names));
    }
    const std::string lang = language == "kk" || language == "kz" ? "kz" : "ru";
    const Language words_language = lang == "kz" ? Language::kKazakh : Language::kRussian;

    mustache::data data;
    std::vector<FieldProblem> problems;
    std::map<std::string, Date> dates;
    for (const auto& field : letter->fields) {
        const std::string path = "context." + field.name;
        auto it = context.find(field.name);
        if (it == context.end() || it->value().is_null() ||
            (it->value().is_string() && it->value().get_string().empty())) {
            if (field.required) {
                problems.push_back({path, "is required"});
            }
            data.set(field.name, false);
            continue;
        }
        const json::value& value = it->value();
        switch (field.type) {
            case FieldType::kText:
            case FieldType::kLongText: {
                const std::size_t limit = field.type == FieldType::kText ? kTextLimit : kLongTextLimit;
                // Numbers are accepted as text (a contract number sent as 45, say).
                auto text = value.is_string() ? std::optional<std::string>(value.get_string()) : DecimalText(value);
                if (!text) {
                    problems.push_back({path, "must be a string"});
                } else if (text->size() > limit) {
                    problems.push_back({path, "must be at most " + std::to_string(limit) + " characters"});
                } else {
                    data.set(field.name, *text);
                }
                break;
            }
            case FieldType::kMoney: {
                JsonFields one(context);
                auto amount = one.Money({field.name}, true);
                if (!amount || *amount > kMaxWordsAmount) {
                    problems.push_back({path, amount ? "must be <= 999999999999.99" : one.problems().front().problem});
                } else {
                    data.set(field.name, FormatMoney(*amount));
                    data.set(field.name + "_words", *AmountInWords(*amount, words_language));
                }
                break;
            }
            case FieldType::kDate: {
                if (!value.is_string()) {
                    problems.push_back({path, "must be a date string YYYY-MM-DD"});
                    break;
                }
                auto date = ParseIsoDate(value.get_string());
                if (!date) {
                    problems.push_back({path, date.error().message});
                } else {
                    data.set(field.name, FormatShortDate(*date));
                    data.set(field.name + "_long", FormatLongDate(*date, words_language));
                    dates[field.name] = *date;
                }
                break;
            }
            case FieldType::kBin: {
                if (!value.is_string()) {
                    problems.push_back({path, "must be a string of 12 digits"});
                    break;
                }
                auto bin = NormalizeBin(value.get_string());
                if (!bin) {
                    problems.push_back({path, bin.error().message});
                } else {
                    data.set(field.name, *bin);
                }
                break;
            }
            case FieldType::kList: {
                if (!value.is_array() || value.get_array().empty() || value.get_array().size() > kListLimit) {
                    problems.push_back({path, "must be a list of 1 to 50 strings"});
                    break;
                }
                mustache::data items{mustache::data::type::list};
                bool ok = true;
                for (const auto& item : value.get_array()) {
                    if (!item.is_string() || item.get_string().empty() || item.get_string().size() > kTextLimit) {
                        problems.push_back({path, "every item must be a string of 1 to 500 characters"});
                        ok = false;
                        break;
                    }
                    items.push_back(mustache::data{std::string(item.get_string())});
                }
                if (ok) {
                    data.set(field.name, items);
                    // A list is iterated by its section; "X_any" is the section around it (a heading
                    // shown once).
                    data.set(field.name + "_any", true);
                }
                break;
            }
        }
    }
    std::vector<Deadline> deadlines;
    for (const auto& rule : letter->deadlines) {
        const auto from = dates.find(rule.from);
        if (from == dates.end()) {
            data.set(rule.name, false);
            continue;
        }
        auto due = calendar_->AddWorkingDays(from->second, rule.working_days);
        if (!due) {
            problems.push_back({"context." + rule.from, due.error().message});
            continue;
        }
        const bool passed = today > *due;
        data.set(rule.name, FormatShortDate(*due));
        data.set(rule.name + "_long", FormatLongDate(*due, words_language));
        data.set(rule.name + "_passed", passed);
        deadlines.push_back(Deadline{rule.name, *due, passed});
    }
    if (!problems.empty()) {
        return Fail(Error::Invalid(std::move(problems)));
    }
    data.set("today", FormatShortDate(today));
    data.set("today_long", FormatLongDate(today, words_language));

    mustache::mustache body{letter->bodies.at(lang)};
    const std::string html_body = body.render(data);
    mustache::data page;
    page.set("title", letter->titles.at(lang));
    page.set("html_lang", lang == "kz" ? "kk" : "ru");
    page.set("body", html_body);
    mustache::mustache layout{layout_};
    return Letter{letter->name, lang, letter->titles.at(lang), layout.render(page), std::move(deadlines)};
}

}  // namespace zakupai::docs
