#pragma once
// The seed's complaint (POST /api/complaint/{lot_id}): a complaint under Law 106-VIII Art. 25
// about a stored lot, from the complaint template (Rules 687 p.596 content, the 3-working-day
// deadline), with the lot's details filled in and what the caller did not give left as
// bracketed blanks to fill before filing.
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "docs/document.hpp"
#include "docs/letters.hpp"
#include "store/lot_repository.hpp"

namespace zakupai::docs {

struct ComplaintRequest {
    std::int64_t lot_id = 0;
    std::string reason;                 // the facts, 5–200 characters in the seed's contract
    Date date;                          // the complaint's date
    std::optional<Date> protocol_date;  // when the results protocol was posted; else `date`
    std::string language = "ru";
    // Optional details of the complainant and the procurement; blanks otherwise.
    std::string supplier_name;
    std::string supplier_bin;
    std::string supplier_address;
    std::string customer_address;
    std::string announcement_number;
    std::string signer_name;
};

struct Complaint {
    Letter letter;
    Document document;
    std::string text;                   // plain text of the letter
    std::vector<std::string> warnings;  // late, or a method whose results cannot be appealed so
};

class ComplaintService {
public:
    ComplaintService(store::LotRepository& lots, const LetterTemplates& letters) : lots_(lots), letters_(letters) {}
    // 404 for an unknown lot; 422 naming the field otherwise.
    Result<Complaint> Generate(const ComplaintRequest& request) const;

private:
    store::LotRepository& lots_;
    const LetterTemplates& letters_;
};

}  // namespace zakupai::docs
