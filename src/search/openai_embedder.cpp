#include <algorithm>
#include <boost/json.hpp>

#include "search/embedder.hpp"

namespace zakupai::search {

namespace json = boost::json;

OpenAiEmbedder::OpenAiEmbedder(net::Transport& transport, std::string base_url, ProviderOptions options)
    : transport_(transport), base_url_(std::move(base_url)), options_(std::move(options)), backoff_(options_.retry) {}

int OpenAiEmbedder::Dimension() const {
    if (dimension_.load() == 0) {
        (void)EmbedBatch({"размерность"});  // the provider says how long its vectors are
    }
    return dimension_.load();
}

Result<std::vector<Vector>> OpenAiEmbedder::Embed(const std::vector<std::string>& texts) const {
    std::vector<Vector> out;
    out.reserve(texts.size());
    const auto batch = static_cast<std::size_t>(std::max(1, options_.batch));
    for (std::size_t start = 0; start < texts.size(); start += batch) {
        const std::vector<std::string> part(
            texts.begin() + static_cast<std::ptrdiff_t>(start),
            texts.begin() + static_cast<std::ptrdiff_t>(std::min(texts.size(), start + batch)));
        auto vectors = EmbedBatch(part);
        if (!vectors) {
            return Fail(vectors.error());
        }
        for (auto& v : *vectors) {
            out.push_back(std::move(v));
        }
    }
    return out;
}

Result<std::vector<Vector>> OpenAiEmbedder::EmbedBatch(const std::vector<std::string>& texts) const {
    json::array input;
    for (const auto& text : texts) {
        // The provider refuses an empty string; a text with no words embeds as zeros anyway.
        input.emplace_back(text.empty() ? std::string(" ") : text);
    }
    const auto body = json::serialize(json::object{{"model", options_.model}, {"input", std::move(input)}});
    auto reply = net::PostJsonRetrying(transport_, "/v1/embeddings", body, backoff_);
    if (!reply) {
        return Fail(Error{ErrorCode::kUnavailable, "embeddings provider failed: " + reply.error(), {}});
    }
    if (reply->status != 200) {
        // A bad key or model will not get better by asking again.
        return Fail(
            Error{ErrorCode::kUnavailable, "embeddings provider answered HTTP " + std::to_string(reply->status), {}});
    }
    auto broken = [](const char* what) {
        return Fail(Error{ErrorCode::kUnavailable, std::string("embeddings provider failed: ") + what, {}});
    };
    boost::system::error_code ec;
    auto parsed = json::parse(reply->body, ec);
    const auto* data = !ec && parsed.is_object() ? parsed.as_object().if_contains("data") : nullptr;
    if (data == nullptr || !data->is_array() || data->as_array().size() != texts.size()) {
        return broken("an answer without one embedding per input");
    }
    std::vector<Vector> out(texts.size());
    for (const auto& item : data->as_array()) {
        const auto* object = item.if_object();
        const auto* embedding = object != nullptr ? object->if_contains("embedding") : nullptr;
        const auto* index = object != nullptr ? object->if_contains("index") : nullptr;
        const std::size_t at =
            index != nullptr && index->is_int64() ? static_cast<std::size_t>(index->as_int64()) : out.size();
        if (embedding == nullptr || !embedding->is_array() || at >= out.size() || embedding->as_array().empty()) {
            return broken("an answer with missing or uneven embeddings");
        }
        Vector v;
        v.reserve(embedding->as_array().size());
        for (const auto& x : embedding->as_array()) {
            v.push_back(x.is_number() ? static_cast<float>(x.to_number<double>()) : 0.0F);
        }
        Normalize(v);
        out[at] = std::move(v);
    }
    const auto dim = out.front().size();
    if (std::any_of(out.begin(), out.end(), [dim](const Vector& v) { return v.size() != dim; })) {
        return broken("an answer with missing or uneven embeddings");
    }
    int expected = 0;
    if (!dimension_.compare_exchange_strong(expected, static_cast<int>(dim)) && expected != static_cast<int>(dim)) {
        return Fail(Error{
            ErrorCode::kUnavailable,
            "embeddings provider changed its dimension from " + std::to_string(expected) + " to " + std::to_string(dim),
            {}});
    }
    return out;
}

}  // namespace zakupai::search
