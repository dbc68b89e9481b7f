#include "DockerSource.hpp"

#include <dadns/sdk/clock.hpp>

namespace dadns::hosts {
namespace {

bool oneOf(const std::string& action, std::initializer_list<const char*> actions) {
    for (const char* a : actions)
        if (action == a) return true;
    return false;
}

} // namespace

DockerSource::DockerSource(Options options, std::function<void(const std::vector<Container>&)> apply,
                           std::function<void(const std::string&)> onEvent)
    : options_(std::move(options)), apply_(std::move(apply)), onEvent_(std::move(onEvent)),
      engine_(options_.endpoint) {
    status_.endpoint = options_.endpoint;
}

DockerSource::~DockerSource() { stop(); }

void DockerSource::start() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = false;
    }
    watcher_ = std::thread([this] { watch(); });
    applier_ = std::thread([this] { applyLoop(); });
}

void DockerSource::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    engine_.cancel();
    if (watcher_.joinable()) watcher_.join();
    if (applier_.joinable()) applier_.join();
}

DockerSourceStatus DockerSource::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

bool DockerSource::sleepFor(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void DockerSource::failed(const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return; // cancelled on purpose
    status_.reachable = false;
    status_.error = why;
    status_.errorAtMs = sdk::wallClockMs();
}

void DockerSource::watch() {
    auto delay = options_.retryMin;
    while (true) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) return;
        }
        bool listed = false;
        try {
            followOnce(listed);
            failed("the engine ended its event stream");
        } catch (const std::exception& e) {
            failed(e.what());
        } catch (...) {
            failed("unknown error");
        }
        // An engine that answered starts over soon; one that does not is asked less and less often.
        delay = listed ? options_.retryMin : std::min(delay * 2, options_.retryMax);
        if (!sleepFor(delay)) return;
    }
}

void DockerSource::followOnce(bool& listed) {
    // The listing comes once the engine has accepted the event stream: a container that starts
    // or stops meanwhile is in the listing, in the stream, or both (a repeat is harmless).
    auto list = [&] {
        std::map<std::string, Container> running;
        for (auto& c : engine_.listRunning(options_.labels)) running[c.id] = std::move(c);
        listed = true;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            running_ = running;
            status_.reachable = true;
            status_.error.clear();
            status_.containers = running.size();
            ++status_.resyncs;
        }
        publish(std::move(running));
    };
    engine_.followEvents(options_.labels, [this](const ContainerEvent& e) { onEngineEvent(e); }, list);
}

bool DockerSource::labelled(const std::map<std::string, std::string>& labels) const { return carriesAnyLabel(labels, options_.labels); }

void DockerSource::onEngineEvent(const ContainerEvent& e) {
    if (onEvent_) onEvent_(e.action);
    // The container is looked at again in the engine, whatever the event says: the stream
    // starts a second early (DockerEngine::followEvents), so an event may be older than the
    // listing. kill is a signal, which a container may survive: its die says when it ended.
    if (!oneOf(e.action, {"start", "unpause", "rename", "update", "die", "stop", "destroy"})) return;
    const std::string& id = e.id;
    std::optional<Container> now = engine_.inspect(id);
    std::map<std::string, Container> state;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (now && now->running && labelled(now->labels)) running_[id] = *now;
        else running_.erase(id);
        status_.lastEvent = e.action + " " + (now ? now->name : e.name);
        status_.lastEventMs = sdk::wallClockMs();
        status_.containers = running_.size();
        state = running_;
    }
    publish(std::move(state));
}

void DockerSource::publish(std::map<std::string, Container> running) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        latest_.clear();
        for (auto& [id, c] : running) latest_.push_back(std::move(c));
        ++generation_;
    }
    wake_.notify_all();
}

void DockerSource::applyAgain() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (generation_ == 0) return; // nothing listed yet
        ++generation_;
    }
    wake_.notify_all();
}

void DockerSource::applyLoop() {
    uint64_t done = 0;
    while (true) {
        std::vector<Container> state;
        uint64_t generation;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != done; });
            if (stopping_) return;
            state = latest_;
            generation = generation_;
        }
        try {
            apply_(state);
            done = generation;
            std::lock_guard<std::mutex> lock(mutex_);
            status_.applyError.clear();
            continue;
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(mutex_);
            status_.applyError = e.what();
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            status_.applyError = "unknown error";
        }
        if (!sleepFor(options_.retryMin)) return; // then the newest state is applied again
    }
}

} // namespace dadns::hosts
