#include "llm/knowledge_base.hpp"

#include <xapian.h>

#include <algorithm>
#include <mutex>
#include <regex>
#include <set>
#include <string_view>

#include "text/text.hpp"

namespace zakupai::embedded {
extern const std::vector<std::pair<std::string_view, std::string_view>>& KnowledgeBaseFiles();
}  // namespace zakupai::embedded

namespace zakupai::llm {

namespace {

std::string Trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return "";
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

const std::regex& NumberPattern() {
    static const std::regex kPattern(R"([0-9](,[0-9]+)? ?(%|₸|МРП))");
    return kPattern;
}

const std::regex& PeriodPattern() {
    static const std::regex kPattern(R"([0-9] (рабоч|календарн|дн|дня|месяц|лет|год))");
    return kPattern;
}

struct Parsed {
    Article article;
    std::string keywords;
};

Result<Parsed> ParseArticle(const std::string& name, std::string_view text) {
    // ---\nkey: value\n...\n---\nparagraphs separated by blank lines
    if (!text.starts_with("---\n")) {
        return Fail(Error{ErrorCode::kInternal, "kb/" + name + ": no front matter", {}});
    }
    const auto end = text.find("\n---\n", 4);
    if (end == std::string_view::npos) {
        return Fail(Error{ErrorCode::kInternal, "kb/" + name + ": front matter is not closed", {}});
    }
    Parsed parsed;
    std::string_view header = text.substr(4, end - 4);
    while (!header.empty()) {
        const auto line_end = std::min(header.find('\n'), header.size());
        const auto line = header.substr(0, line_end);
        header.remove_prefix(std::min(header.size(), line_end + 1));
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        const auto key = Trim(line.substr(0, colon));
        const auto value = Trim(line.substr(colon + 1));
        if (key == "id") {
            parsed.article.id = value;
        } else if (key == "title") {
            parsed.article.title = value;
        } else if (key == "sources") {
            parsed.article.sources = value;
        } else if (key == "keywords") {
            parsed.keywords = value;
        }
    }
    if (parsed.article.id.empty() || parsed.article.title.empty()) {
        return Fail(Error{ErrorCode::kInternal, "kb/" + name + ": id and title are required", {}});
    }
    std::string_view body = text.substr(end + 5);
    std::string heading;
    while (!body.empty()) {
        const auto gap = body.find("\n\n");
        auto block = Trim(body.substr(0, gap));
        if (block.starts_with("## ")) {
            const auto line_end = std::min(block.find('\n'), block.size());
            heading = Trim(std::string_view(block).substr(3, line_end - 3));
            block = Trim(std::string_view(block).substr(line_end));
        }
        if (!block.empty()) {
            Paragraph paragraph{heading,
                                block,
                                std::regex_search(block, NumberPattern()),
                                std::regex_search(block, PeriodPattern()),
                                {},
                                text::Words(heading)};
            for (const auto* part : {&paragraph.heading, &paragraph.text}) {
                for (auto& stem : text::Stems(*part)) {
                    paragraph.stems.insert(std::move(stem));
                }
            }
            parsed.article.paragraphs.push_back(std::move(paragraph));
        }
        if (gap == std::string_view::npos) {
            break;
        }
        body.remove_prefix(gap + 2);
    }
    if (parsed.article.paragraphs.empty()) {
        return Fail(Error{ErrorCode::kInternal, "kb/" + name + ": no text", {}});
    }
    return parsed;
}

}  // namespace

struct KnowledgeBase::Index {
    Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
    mutable std::mutex mutex;  // Xapian objects are not thread-safe
};

KnowledgeBase::KnowledgeBase(std::vector<Article> articles, std::unique_ptr<Index> index)
    : articles_(std::move(articles)), index_(std::move(index)) {}

KnowledgeBase::~KnowledgeBase() = default;

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::LoadEmbedded() {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& [name, content] : embedded::KnowledgeBaseFiles()) {
        if (name.ends_with(".md")) {
            files.emplace_back(name, content);
        }
    }
    return FromFiles(files);
}

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::FromFiles(
    const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<Article> articles;
    auto index = std::make_unique<Index>();
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("russian"));
    generator.set_stopper(&text::Stopper());
    std::set<std::string> ids;
    for (const auto& [name, content] : files) {
        auto parsed = ParseArticle(name, content);
        if (!parsed) {
            return Fail(parsed.error());
        }
        if (!ids.insert(parsed->article.id).second) {
            return Fail(Error{ErrorCode::kInternal, "kb/" + name + ": duplicate id " + parsed->article.id, {}});
        }
        for (std::size_t p = 0; p < parsed->article.paragraphs.size(); ++p) {
            Xapian::Document doc;
            generator.set_document(doc);
            // The title and keywords say what every paragraph of the article is about.
            generator.index_text(parsed->article.title, 2);
            generator.increase_termpos();
            generator.index_text(parsed->keywords, 1);
            generator.increase_termpos();
            generator.index_text(parsed->article.paragraphs[p].heading, 2);
            generator.increase_termpos();
            generator.index_text(parsed->article.paragraphs[p].text, 1);
            doc.set_data(std::to_string(articles.size()) + ":" + std::to_string(p));
            index->db.add_document(doc);
        }
        for (const auto* text : {&parsed->article.title, &parsed->keywords}) {
            for (auto& stem : text::Stems(*text)) {
                parsed->article.vocabulary.insert(std::move(stem));
            }
        }
        for (const auto& paragraph : parsed->article.paragraphs) {
            parsed->article.vocabulary.insert(paragraph.stems.begin(), paragraph.stems.end());
        }
        articles.push_back(std::move(parsed->article));
    }
    return std::unique_ptr<KnowledgeBase>(new KnowledgeBase(std::move(articles), std::move(index)));
}

const Article* KnowledgeBase::Find(std::string_view id) const {
    const auto it = std::find_if(articles_.begin(), articles_.end(), [id](const Article& a) { return a.id == id; });
    return it == articles_.end() ? nullptr : &*it;
}

std::vector<Passage> KnowledgeBase::Search(const std::string& question, std::size_t limit) const {
    std::lock_guard lock(index_->mutex);
    Xapian::QueryParser parser;
    parser.set_database(index_->db);
    parser.set_stemmer(Xapian::Stem("russian"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);  // as the TermGenerator indexed
    parser.set_stopper(&text::Stopper());
    parser.set_default_op(Xapian::Query::OP_OR);
    Xapian::Query query;
    try {
        // Questions are prose: no boolean syntax, so "НДС 16%" or a stray quote cannot fail.
        query = parser.parse_query(question, 0);
    } catch (const Xapian::QueryParserError&) {
        return {};
    }
    Xapian::Enquire enquire(index_->db);
    enquire.set_query(query);
    const auto mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    std::vector<Passage> out;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const auto data = it.get_document().get_data();
        const auto colon = data.find(':');
        out.push_back(Passage{std::stoul(data.substr(0, colon)), std::stoul(data.substr(colon + 1)), it.get_percent()});
    }
    return out;
}

}  // namespace zakupai::llm
