#pragma once
// How text is cut and compared everywhere: lower case with ё read as е (people write both), words
// as runs of letters and digits, one list of words too common to mean anything (Russian and
// Kazakh prepositions, conjunctions, question words, counting units), Russian stems. Search,
// price matching, the semantic model and /ask all go through here, so a query and the text it
// should find are always cut the same way.
#include <string>
#include <string_view>
#include <vector>

namespace Xapian {  // NOLINT(readability-identifier-naming): the library's own name
class Stopper;
}  // namespace Xapian

namespace zakupai::text {

// One code point folded: lower case, ё → е.
unsigned FoldCodePoint(unsigned code_point);
// A whole text folded, everything else kept (spaces, punctuation).
std::string Fold(std::string_view text);
// The folded words of a text, in order (word characters as Unicode defines them).
std::vector<std::string> Words(std::string_view text);
// Whether a folded word carries no meaning for matching.
bool IsStopWord(std::string_view folded_word);
// The same list for Xapian's query parser and term generator.
const Xapian::Stopper& Stopper();
// The Russian Snowball stem of a folded word (Kazakh words come back as they are, or nearly:
// Snowball has no Kazakh stemmer). Thread-safe.
std::string Stem(const std::string& folded_word);
// The stems of a text's words, stop words dropped, in order (repeats kept).
std::vector<std::string> Stems(std::string_view text);
// Number of code points in a UTF-8 text.
std::size_t Length(std::string_view utf8);

}  // namespace zakupai::text
