// The catalog zones one bind backend keeps (catalog_zone, and catalog_previous during a move),
// their files under zones_dir, and what must hold across the backend's restarts:
// - the serial grows (read back from the files);
// - a move lets the new catalog claim the zones only after catalog_move_delay, counted again
//   after a restart for as long as the new catalog lists none of them, because a consumer that
//   reads the new catalog before the old one's coo refuses the zones, then drops them;
// - catalogs of an earlier configuration (remembered in <zones_dir>/.dadns-catalogs) are
//   "retired": the backend removes them from named instead of taking their files for zones.
// Not thread-safe: the constructor runs before the signaller starts, write() on its thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dadns::bind {

class Catalogs {
public:
    using Clock = std::chrono::steady_clock;

    // current and previous: normalized zone names or "". Throws std::invalid_argument when they
    // cannot work (previous without current, the same name twice, a name whose file holds a
    // zone rather than a catalog, a name too long for one file name).
    Catalogs(std::string zonesDir, std::string current, std::string previous, std::chrono::milliseconds moveDelay);

    bool empty() const { return names_.empty(); }
    const std::set<std::string>& names() const { return names_; }
    const std::string& current() const { return current_; }
    // Catalogs the last configuration kept that this one does not.
    const std::set<std::string>& retired() const { return retired_; }
    // When a move lets the new catalog claim the zones; nullopt when it may now.
    std::optional<Clock::time_point> claimsAt() const { return claimsAt_; }

    // Writes every catalog with these members (files absent: written with none, so named can
    // load them before the first batch); returns the catalogs, for named to reload.
    std::vector<std::string> write(const std::set<std::string>& members);
    void writeEmptyWhereMissing();
    // Records the catalogs as this configuration's (for the next start's retired()); with none,
    // removes the record.
    void remember() const;

private:
    std::string file(const std::string& name) const;

    std::string zonesDir_, current_, previous_;
    std::set<std::string> names_, retired_;
    uint32_t serial_ = 0;
    std::optional<Clock::time_point> claimsAt_;
};

} // namespace dadns::bind
