#include "net/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace zakupai::net {

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void EnsureCurlGlobal() {
    // curl_global_init is not thread-safe; once per process, before the first handle.
    static std::once_flag once;
    std::call_once(once, [] { static CurlGlobal global; });
}

struct ExchangeState {
    std::string body;
    std::optional<int> retry_after;
};

// libcurl calls this about once a second and whenever data moves; non-zero aborts the transfer.
int OnProgress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<ExchangeState*>(user)->body.append(data, size * count);
    return size * count;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
    const std::string_view line(data, size * count);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        std::string lower;
        for (char c : line.substr(0, kName.size())) {
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (lower == kName) {
            int seconds = 0;
            bool digits = false;
            for (char c : line.substr(kName.size())) {
                if (c >= '0' && c <= '9') {
                    seconds = seconds * 10 + (c - '0');
                    digits = true;
                    if (seconds > 86'400) {
                        break;
                    }
                } else if (digits) {
                    break;
                }
            }
            if (digits) {
                static_cast<ExchangeState*>(user)->retry_after = seconds;
            }
        }
    }
    return size * count;
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : options_(std::move(options)) {
    EnsureCurlGlobal();
}

TransportResult CurlTransport::Get(const std::string& path) {
    return Exchange(path, nullptr);
}

TransportResult CurlTransport::PostJson(const std::string& path, const std::string& body) {
    return Exchange(path, &body);
}

TransportResult Transport::PostForm(const std::string& /*path*/, const std::vector<FormPart>& /*parts*/) {
    return tl::unexpected(TransportFailure{"connection", "this transport does not upload files"});
}

TransportResult CurlTransport::PostForm(const std::string& path, const std::vector<FormPart>& parts) {
    return Exchange(path, nullptr, &parts);
}

TransportResult CurlTransport::Exchange(const std::string& path,
                                        const std::string* post_body,
                                        const std::vector<FormPart>* form) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
        return tl::unexpected(TransportFailure{"connection", "curl_easy_init failed"});
    }
    const std::string url = options_.base_url + path;
    const std::string auth = "Authorization: Bearer " + options_.token;
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
    // The Bot API carries its token in the path, not in a header.
    curl_slist* list = curl_slist_append(nullptr, "Accept: application/json");
    if (!options_.token.empty()) {
        list = curl_slist_append(list, auth.c_str());
    }
    for (const auto& header : options_.headers) {
        list = curl_slist_append(list, header.c_str());
    }
    list = curl_slist_append(list, "User-Agent: ZakupAI/0.1 (+https://zakupai.kz)");
    if (post_body != nullptr) {
        list = curl_slist_append(list, "Content-Type: application/json");
    }
    headers.reset(list);

    ExchangeState state;
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(options_.timeout_ms, 10'000)));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &state);
    if (options_.cancel != nullptr) {
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, options_.cancel);
    }
    if (post_body != nullptr) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post_body->data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post_body->size()));
    }
    // libcurl writes the multipart body and its boundary; the parts' data is copied into it.
    std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(nullptr, &curl_mime_free);
    if (form != nullptr) {
        mime.reset(curl_mime_init(h));
        for (const auto& part : *form) {
            curl_mimepart* field = curl_mime_addpart(mime.get());
            curl_mime_name(field, part.name.c_str());
            curl_mime_data(field, part.value.data(), part.value.size());
            if (!part.filename.empty()) {
                curl_mime_filename(field, part.filename.c_str());
            }
            if (!part.content_type.empty()) {
                curl_mime_type(field, part.content_type.c_str());
            }
        }
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    }
    const CURLcode code = curl_easy_perform(h);
    if (code != CURLE_OK) {
        std::string kind = "connection";
        if (code == CURLE_OPERATION_TIMEDOUT) {
            kind = "timeout";
        } else if (code == CURLE_PARTIAL_FILE) {  // fewer body bytes than Content-Length said
            kind = "truncated";
        } else if (code == CURLE_ABORTED_BY_CALLBACK) {
            kind = "cancelled";
        }
        return tl::unexpected(TransportFailure{kind, curl_easy_strerror(code)});
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return HttpReply{static_cast<int>(status), std::move(state.body), state.retry_after};
}

}  // namespace zakupai::net
