#include "Membership.hpp"

#include <algorithm>
#include <cmath>

namespace dadns::swim {
namespace {

bool gone(MemberState s) { return s == MemberState::Dead || s == MemberState::Left; }

Member memberOf(const MemberUpdate& c, int64_t nowMs) {
    Member m;
    m.id = c.id;
    m.ip = c.ip;
    m.port = c.port;
    m.apiUrl = c.apiUrl;
    m.state = c.state;
    m.incarnation = c.incarnation;
    m.stateSinceMs = nowMs;
    return m;
}

} // namespace

Membership::Membership(const MemberUpdate& self, MembershipTiming timing) : self_(memberOf(self, 0)), timing_(timing) {
    queue(selfClaim());
}

MemberUpdate Membership::claimOf(const Member& m, const std::string& from) const {
    return MemberUpdate{m.state, m.incarnation, m.id, m.ip, m.port, m.apiUrl, from};
}

void Membership::queue(const MemberUpdate& claim) { gossip_.push("m:" + claim.id, encode(claim)); }

void Membership::refute(uint32_t seenIncarnation) {
    self_.incarnation = std::max(self_.incarnation, seenIncarnation) + 1;
    queue(selfClaim());
}

std::vector<Transition> Membership::apply(const MemberUpdate& c, int64_t nowMs) {
    if (c.id == self_.id) {
        if (self_.state == MemberState::Left) return {};
        // Someone thinks we are suspect or gone, or remembers an earlier life of ours with a
        // higher incarnation: announce ourselves alive with an incarnation above theirs.
        if ((c.state != MemberState::Alive && c.incarnation >= self_.incarnation) || c.incarnation > self_.incarnation)
            refute(c.incarnation);
        return {};
    }
    auto it = members_.find(c.id);
    if (it == members_.end()) {
        if (gone(c.state)) return {}; // news of the end of a node we never knew
        Member m = memberOf(c, nowMs);
        if (c.state == MemberState::Suspect) m.suspectors.insert(c.from);
        members_.emplace(c.id, m);
        queue(c);
        return {Transition{c.id, c.state, true}};
    }
    Member& m = it->second;
    switch (c.state) {
    case MemberState::Alive:
        if (c.incarnation <= m.incarnation) return {};
        break;
    case MemberState::Suspect:
        if (gone(m.state) || c.incarnation < m.incarnation) return {};
        if (m.state == MemberState::Suspect && c.incarnation == m.incarnation) {
            if (m.suspectors.insert(c.from).second) queue(c); // a new confirmation shortens the timeout
            return {};
        }
        break;
    case MemberState::Dead:
    case MemberState::Left:
        if (gone(m.state) || c.incarnation < m.incarnation) return {};
        break;
    }
    m.state = c.state;
    m.incarnation = c.incarnation;
    m.stateSinceMs = nowMs;
    m.suspectors.clear();
    if (c.state == MemberState::Suspect) m.suspectors.insert(c.from);
    if (c.state == MemberState::Alive) {
        m.ip = c.ip;
        m.port = c.port;
        m.apiUrl = c.apiUrl;
    }
    queue(c);
    return {Transition{c.id, c.state, false}};
}

void Membership::seen(const std::string& id, int64_t nowMs) {
    auto it = members_.find(id);
    if (it != members_.end()) it->second.lastSeenMs = nowMs;
}

std::vector<Transition> Membership::suspect(const std::string& id, int64_t nowMs) {
    auto it = members_.find(id);
    if (it == members_.end() || gone(it->second.state)) return {};
    MemberUpdate c = claimOf(it->second, self_.id);
    c.state = MemberState::Suspect;
    return apply(c, nowMs);
}

std::vector<Transition> Membership::expireSuspicions(int64_t nowMs) {
    std::vector<Transition> out;
    for (auto& [id, m] : members_) {
        if (m.state != MemberState::Suspect) continue;
        size_t confirmations = m.suspectors.empty() ? 0 : m.suspectors.size() - 1;
        if (nowMs - m.stateSinceMs < suspicionTimeoutMs(confirmations)) continue;
        m.state = MemberState::Dead;
        m.stateSinceMs = nowMs;
        m.suspectors.clear();
        queue(claimOf(m, self_.id));
        out.push_back(Transition{id, MemberState::Dead, false});
    }
    return out;
}

void Membership::leave() {
    self_.state = MemberState::Left;
    queue(selfClaim());
}

void Membership::reap(int64_t nowMs, int64_t retentionMs) {
    for (auto it = members_.begin(); it != members_.end();)
        it = gone(it->second.state) && nowMs - it->second.stateSinceMs > retentionMs ? members_.erase(it) : std::next(it);
}

std::optional<Member> Membership::nextProbeTarget() {
    for (int round = 0; round < 2; ++round) {
        while (probeIndex_ < probeOrder_.size()) {
            auto it = members_.find(probeOrder_[probeIndex_++]);
            if (it != members_.end() && !gone(it->second.state)) return it->second;
        }
        probeOrder_.clear();
        for (const auto& [id, m] : members_)
            if (!gone(m.state)) probeOrder_.push_back(id);
        std::shuffle(probeOrder_.begin(), probeOrder_.end(), rng_);
        probeIndex_ = 0;
    }
    return std::nullopt;
}

std::vector<Member> Membership::randomPeers(size_t k, const std::string& exclude, bool includeSuspect) {
    std::vector<Member> pool;
    for (const auto& [id, m] : members_)
        if (id != exclude && (m.state == MemberState::Alive || (includeSuspect && m.state == MemberState::Suspect))) pool.push_back(m);
    std::shuffle(pool.begin(), pool.end(), rng_);
    if (pool.size() > k) pool.resize(k);
    return pool;
}

const Member* Membership::find(const std::string& id) const {
    if (id == self_.id) return &self_;
    auto it = members_.find(id);
    return it == members_.end() ? nullptr : &it->second;
}

std::vector<Member> Membership::members() const {
    std::vector<Member> out;
    out.reserve(members_.size());
    for (const auto& [id, m] : members_) out.push_back(m);
    return out;
}

std::vector<MemberUpdate> Membership::fullState() const {
    std::vector<MemberUpdate> out{selfClaim()};
    for (const auto& [id, m] : members_) out.push_back(claimOf(m, self_.id));
    return out;
}

size_t Membership::count(MemberState state) const {
    size_t n = self_.state == state ? 1 : 0;
    for (const auto& [id, m] : members_) n += m.state == state ? 1 : 0;
    return n;
}

int64_t Membership::suspicionTimeoutMs(size_t confirmations) const {
    // Lifeguard: start at suspicion_max_mult times the minimum and fall towards the minimum, on a
    // log scale, as independent confirmations arrive (the minimum after k of them).
    double n = static_cast<double>(std::max<size_t>(count(MemberState::Alive) + count(MemberState::Suspect), 1));
    double min = timing_.suspicionMult * std::max(1.0, std::log10(n)) * static_cast<double>(timing_.probeIntervalMs);
    double max = min * timing_.suspicionMaxMult;
    double k = std::max(timing_.expectedConfirmations, 1);
    double timeout = max - (max - min) * std::log(static_cast<double>(confirmations) + 1) / std::log(k + 1);
    return static_cast<int64_t>(std::max(min, timeout));
}

int Membership::retransmitLimit() const {
    double n = static_cast<double>(count(MemberState::Alive) + count(MemberState::Suspect));
    return timing_.retransmitMult * static_cast<int>(std::ceil(std::log10(n + 1)));
}

void Membership::queueZone(const ZoneUpdate& update) { gossip_.push("z:" + update.zone, encode(update)); }

} // namespace dadns::swim
