#pragma once
// The knowledge base /ask answers from: short articles on procurement law written for this
// project (data/kb/*.md, compiled in), split into passages (a paragraph under its "## " heading),
// one Xapian in-memory document per passage, ranked by BM25 over Russian word forms of the
// passage, its heading, its article's title and keywords.
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace zakupai::llm {

struct Paragraph {
    std::string heading;  // the section it stands under, if the article has sections
    std::string text;
    bool states_number = false;  // a percentage, a sum or МРП: what "сколько", "какой размер" want
    bool states_period = false;  // so many days, months or years: what "как долго", "в какой срок" want
    // Cut once at load, compared with every question.
    std::set<std::string> stems;             // of the heading and the text
    std::vector<std::string> heading_words;  // folded, stop words kept
};

struct Article {
    std::string id;
    std::string title;
    std::string sources;  // the law's articles, as people cite them
    std::vector<Paragraph> paragraphs;
    std::set<std::string> vocabulary;  // stems of the title, keywords and text
};

struct Passage {
    std::size_t article = 0;
    std::size_t paragraph = 0;
    int percent = 0;  // Xapian's relevance percent (BM25)
};

class KnowledgeBase {
public:
    // A broken article (no front matter, no id) is a start-up error, not a silent gap.
    static Result<std::unique_ptr<KnowledgeBase>> LoadEmbedded();
    static Result<std::unique_ptr<KnowledgeBase>> FromFiles(
        const std::vector<std::pair<std::string, std::string>>& files);
    ~KnowledgeBase();
    KnowledgeBase(const KnowledgeBase&) = delete;
    KnowledgeBase& operator=(const KnowledgeBase&) = delete;

    // Paragraphs matching any of the question's words, best first.
    std::vector<Passage> Search(const std::string& question, std::size_t limit) const;
    const std::vector<Article>& articles() const { return articles_; }
    const Article* Find(std::string_view id) const;

private:
    struct Index;
    KnowledgeBase(std::vector<Article> articles, std::unique_ptr<Index> index);
    std::vector<Article> articles_;
    std::unique_ptr<Index> index_;
};

}  // namespace zakupai::llm
