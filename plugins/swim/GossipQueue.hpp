// Updates waiting to be piggybacked on outgoing packets. Each is sent a limited number of times
// (the retransmit limit grows with log(cluster size), so an update reaches every node with high
// probability while per-node load stays flat); a newer update about the same subject (member or
// zone) replaces the older one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dadns::swim {

class GossipQueue {
public:
    void push(const std::string& subject, std::string encoded) {
        items_[subject] = Item{std::move(encoded), 0, ++order_};
    }

    // Encoded updates that fit in budget bytes, least-sent (then newest) first; each counts one
    // transmission and is dropped after limit of them.
    std::vector<std::string> take(size_t budget, int limit) {
        std::vector<std::map<std::string, Item>::iterator> order;
        order.reserve(items_.size());
        for (auto it = items_.begin(); it != items_.end(); ++it) order.push_back(it);
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
            if (a->second.transmits != b->second.transmits) return a->second.transmits < b->second.transmits;
            return a->second.order > b->second.order;
        });
        std::vector<std::string> out;
        for (auto it : order) {
            if (it->second.bytes.size() > budget) continue;
            budget -= it->second.bytes.size();
            out.push_back(it->second.bytes);
            if (++it->second.transmits >= limit) items_.erase(it);
        }
        return out;
    }

    size_t size() const { return items_.size(); }

private:
    struct Item {
        std::string bytes;
        int transmits = 0;
        uint64_t order = 0;
    };
    std::map<std::string, Item> items_;
    uint64_t order_ = 0;
};

} // namespace dadns::swim
