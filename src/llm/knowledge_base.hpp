#pragma once
// The knowledge base /ask answers from: short articles on procurement law written for this
// project (data/kb/*.md, compiled in), one Xapian in-memory document per paragraph, found by
// Russian word forms over the paragraph, its article's title and keywords.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace zakupai::llm {

struct Article {
    std::string id;
    std::string title;
    std::string sources;  // the law's articles, as people cite them
    std::vector<std::string> paragraphs;
    std::set<std::string> vocabulary;  // stems of the title, keywords and text
};

struct Passage {
    std::size_t article = 0;
    std::size_t paragraph = 0;
    int percent = 0;  // Xapian's relevance percent
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

private:
    struct Index;
    KnowledgeBase(std::vector<Article> articles, std::unique_ptr<Index> index);
    std::vector<Article> articles_;
    std::unique_ptr<Index> index_;
};

}  // namespace zakupai::llm
