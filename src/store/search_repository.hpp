#pragma once
// What the search index is built from: lots with their customer, announcement and Kazakh
// title, in the order they changed, so the indexer can resume after the last one it saw.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace zakupai::store {

struct IndexableLot {
    std::int64_t id = 0;
    std::string title;
    std::string name_kz;
    std::string description;
    std::string customer_bin;
    std::string customer_name;
    std::string enstru;
    std::string announcement;  // the portal's announcement number, when the lot came from it
    std::string status;
    std::string method;
    std::string region;  // KATO code from the portal, else the region name
    Tiyn price = 0;
    std::optional<Instant> deadline;
    std::string updated_at;  // as stored: the indexer's cursor
    std::int64_t trd_buy_id = 0;
};

// Where the indexer stands: lots are read in (updated_at, id) order after this point.
struct IndexCursor {
    std::string updated_at;
    std::int64_t id = 0;
};

// Who owns what a caller stores (saved searches, semantic documents): "u<user id>", else, for a
// key without a user, "k<key id>". The API and the web panel name owners alike.
std::string OwnerName(std::int64_t user_id, std::int64_t key_id);

struct SavedSearch {
    std::int64_t id = 0;
    std::string name;
    std::string query;  // JSON object, validated before it is stored
    std::string created_at;
    std::string updated_at;
};

// A text stored through POST /index, for meaning-based search.
struct StoredDocument {
    std::int64_t id = 0;
    std::string owner;  // "public" (indexed with a service key) or the owner of saved searches
    std::string ref_id;
    std::string text;
    std::string updated_at;  // as stored: the semantic indexer's cursor
};

// Why a supplier is linked to a lot: it won it, bid on it, holds a contract on its announcement,
// or quoted the item in an imported price list.
struct SupplierLink {
    std::int64_t lot_id = 0;
    std::string supplier_bin;
    std::string kind;  // winner | bid | contract | price_list
    Tiyn amount = 0;
};

struct SupplierProfile {
    std::string bin;
    std::string name;
    std::string region;
    std::int64_t contracts = 0;
    Tiyn contracts_amount = 0;
    std::int64_t bids = 0;
    std::int64_t wins = 0;
    bool in_rnu = false;
};

class SearchRepository {
public:
    explicit SearchRepository(Database& db) : db_(db) {}
    // Up to `limit` lots changed after `cursor`, in (updated_at, id) order.
    std::vector<IndexableLot> ChangedAfter(const IndexCursor& cursor, int limit);
    // The lots with these ids, in the order given (ids not found are left out).
    std::vector<IndexableLot> Lots(const std::vector<std::int64_t>& ids);
    std::int64_t CountLots();

    // Saved searches belong to an owner ("u<user id>" or "k<key id>"): nobody else sees them.
    // 409 when the owner already has one by that name or has `max_per_owner` already.
    Result<SavedSearch> CreateSaved(
        const std::string& owner, const std::string& name, const std::string& query, int max_per_owner, Instant now);
    // 404 when the owner has no such search; 409 when the new name is taken.
    Result<SavedSearch> ReplaceSaved(
        const std::string& owner, std::int64_t id, const std::string& name, const std::string& query, Instant now);
    std::vector<SavedSearch> ListSaved(const std::string& owner);
    std::optional<SavedSearch> FindSaved(const std::string& owner, std::int64_t id);
    bool DeleteSaved(const std::string& owner, std::int64_t id);

    // Documents for /search: one per owner and ref_id, replaced when indexed again. Nothing
    // (nullopt) when the ref_id is new and the owner already keeps `owner_cap` documents
    // (0 = no cap); replacing one is always allowed.
    std::optional<StoredDocument> UpsertDocument(const std::string& owner,
                                                 const std::string& ref_id,
                                                 const std::string& text,
                                                 Instant now,
                                                 std::int64_t owner_cap = 0);
    std::vector<StoredDocument> DocumentsChangedAfter(const IndexCursor& cursor, int limit);
    std::vector<StoredDocument> Documents(const std::vector<std::int64_t>& ids);
    std::int64_t CountDocuments();

    // Suppliers linked to these lots, and what is known of them (track record, RNU).
    std::vector<SupplierLink> SupplierLinks(const std::vector<std::int64_t>& lot_ids);
    std::vector<SupplierProfile> SupplierProfiles(const std::vector<std::string>& bins);

private:
    Database& db_;
};

}  // namespace zakupai::store
