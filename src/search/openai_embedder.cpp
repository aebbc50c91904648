#include <boost/json.hpp>

#include "search/embedder.hpp"

namespace zakupai::search {

namespace json = boost::json;

OpenAiEmbedder::OpenAiEmbedder(net::Transport& transport, std::string base_url, ProviderOptions options)
    : transport_(transport), base_url_(std::move(base_url)), options_(std::move(options)) {}

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
    std::string last_problem;
    for (int attempt = 0; attempt < std::max(1, options_.attempts); ++attempt) {
        auto reply = transport_.PostJson("/v1/embeddings", body);
        if (!reply) {
            last_problem = reply.error().kind + ": " + reply.error().message;
            continue;
        }
        if (reply->status >= 500 || reply->status == 429) {
            last_problem = "HTTP " + std::to_string(reply->status);
            continue;
        }
        if (reply->status != 200) {
            // A bad key or model will not get better by asking again.
            return Fail(Error{
                ErrorCode::kUnavailable, "embeddings provider answered HTTP " + std::to_string(reply->status), {}});
        }
        boost::system::error_code ec;
        auto parsed = json::parse(reply->body, ec);
        const auto* data = !ec && parsed.is_object() ? parsed.as_object().if_contains("data") : nullptr;
        if (data == nullptr || !data->is_array() || data->as_array().size() != texts.size()) {
            last_problem = "an answer without one embedding per input";
            continue;
        }
        std::vector<Vector> out(texts.size());
        bool ok = true;
        for (const auto& item : data->as_array()) {
            const auto* object = item.if_object();
            const auto* embedding = object != nullptr ? object->if_contains("embedding") : nullptr;
            const auto* index = object != nullptr ? object->if_contains("index") : nullptr;
            const std::size_t at =
                index != nullptr && index->is_int64() ? static_cast<std::size_t>(index->as_int64()) : out.size();
            if (embedding == nullptr || !embedding->is_array() || at >= out.size() || embedding->as_array().empty()) {
                ok = false;
                break;
            }
            Vector v;
            v.reserve(embedding->as_array().size());
            for (const auto& x : embedding->as_array()) {
                v.push_back(x.is_number() ? static_cast<float>(x.to_number<double>()) : 0.0F);
            }
            Normalize(v);
            out[at] = std::move(v);
        }
        const auto dim = out.empty() ? 0 : out.front().size();
        for (const auto& v : out) {
            ok = ok && !v.empty() && v.size() == dim;
        }
        if (!ok) {
            last_problem = "an answer with missing or uneven embeddings";
            continue;
        }
        int expected = 0;
        if (!dimension_.compare_exchange_strong(expected, static_cast<int>(dim)) && expected != static_cast<int>(dim)) {
            return Fail(Error{ErrorCode::kUnavailable,
                              "embeddings provider changed its dimension from " + std::to_string(expected) + " to " +
                                  std::to_string(dim),
                              {}});
        }
        return out;
    }
    return Fail(Error{ErrorCode::kUnavailable, "embeddings provider failed: " + last_problem, {}});
}

}  // namespace zakupai::search
