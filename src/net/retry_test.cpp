#include "net/retry.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace zakupai::net {
namespace {

// Answers from a script, one per exchange; records how many were asked for.
class ScriptedTransport : public Transport {
public:
    explicit ScriptedTransport(std::deque<TransportResult> replies) : replies_(std::move(replies)) {}
    TransportResult Get(const std::string&) override { return Next(); }
    TransportResult PostJson(const std::string&, const std::string&) override { return Next(); }
    int calls = 0;

private:
    TransportResult Next() {
        ++calls;
        auto reply = replies_.front();
        replies_.pop_front();
        return reply;
    }
    std::deque<TransportResult> replies_;
};

TEST(Retry, WaitsAtLeastWhatRetryAfterAsksAndGivesUpAfterTheLastTry) {
    std::vector<std::chrono::milliseconds> slept;
    Backoff backoff(
        RetryPolicy{2, std::chrono::milliseconds{100}, std::chrono::milliseconds{1000}, std::chrono::seconds{5}},
        [&](std::chrono::milliseconds d) { slept.push_back(d); });
    ScriptedTransport transport({TransportResult(HttpReply{429, "", 3}),
                                 TransportResult(HttpReply{503, "", std::nullopt}),
                                 TransportResult(HttpReply{200, "{}", std::nullopt})});
    auto reply = PostJsonRetrying(transport, "/v1/x", "{}", backoff);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->status, 200);
    ASSERT_EQ(slept.size(), 2u);
    EXPECT_EQ(slept[0], std::chrono::milliseconds{3000});  // Retry-After: 3 wins over a 50-100 ms backoff
    EXPECT_GE(slept[1], std::chrono::milliseconds{100});   // second retry: 200 ms with jitter in [0.5, 1]
    EXPECT_LE(slept[1], std::chrono::milliseconds{200});

    ScriptedTransport down({TransportResult(tl::unexpected(TransportFailure{"timeout", "no answer"})),
                            TransportResult(HttpReply{502, "", std::nullopt}),
                            TransportResult(HttpReply{500, "", std::nullopt})});
    auto failed = PostJsonRetrying(down, "/v1/x", "{}", backoff);
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error(), "HTTP 500");
    EXPECT_EQ(down.calls, 3);  // the first try and two retries
}

TEST(Retry, ARefusalIsFinalAndAHostileRetryAfterIsBounded) {
    std::vector<std::chrono::milliseconds> slept;
    Backoff backoff(
        RetryPolicy{3, std::chrono::milliseconds{10}, std::chrono::milliseconds{100}, std::chrono::seconds{5}},
        [&](std::chrono::milliseconds d) { slept.push_back(d); });
    ScriptedTransport refused({TransportResult(HttpReply{401, "bad key", std::nullopt})});
    auto reply = PostJsonRetrying(refused, "/v1/x", "{}", backoff);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->status, 401);
    EXPECT_EQ(refused.calls, 1);
    EXPECT_EQ(backoff.Delay(0, 86'400), std::chrono::milliseconds{5000});        // a day asked, five seconds given
    EXPECT_LE(backoff.Delay(30, std::nullopt), std::chrono::milliseconds{100});  // capped, no overflow
}

}  // namespace
}  // namespace zakupai::net
