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

DockerSource::DockerSource(Options options, Callbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)), engine_(options_.endpoint) {
    status_.endpoint = options_.endpoint;
}

DockerSource::~DockerSource() { stop(); }

void DockerSource::start() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (started_) return;
        started_ = true;
        stopping_ = false;
    }
    engine_.reset(); // after a stop(): calls work again
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
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = false;
}

DockerSourceStatus DockerSource::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

bool DockerSource::sleepFor(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void DockerSource::report(bool bad, const std::string& what) noexcept {
    if (!callbacks_.report) return;
    try {
        callbacks_.report(bad, what);
    } catch (...) {
        // A log line that cannot be written must not end the thread that has news.
    }
}

void DockerSource::failed(const std::string& why) {
    bool news;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return; // cancelled on purpose
        news = status_.reachable || status_.error.empty();
        status_.reachable = false;
        status_.error = why;
        status_.errorAtMs = sdk::wallClockMs();
    }
    if (news) report(true, "the engine cannot be followed (tried again, nothing removed meanwhile): " + why);
}

void DockerSource::watch() {
    auto delay = options_.retryMin;
    while (true) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) return;
        }
        bool listed = false;
        std::string why = "the engine ended its event stream";
        try {
            followOnce(listed);
        } catch (const std::exception& e) {
            why = e.what();
        } catch (...) {
            why = "unknown error";
        }
        if (takeResyncRequest()) { // ended on purpose: follow again, and list again, at once
            engine_.reset();
            continue;
        }
        failed(why);
        // An engine that answered starts over soon; one that does not is asked less and less often.
        delay = listed ? options_.retryMin : std::min(delay * 2, options_.retryMax);
        if (!sleepFor(delay)) return;
    }
}

bool DockerSource::takeResyncRequest() {
    std::lock_guard<std::mutex> lock(mutex_);
    bool asked = resyncRequested_ && !stopping_;
    resyncRequested_ = false;
    return asked;
}

void DockerSource::requestResync() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        resyncRequested_ = true;
    }
    engine_.cancel(); // the watcher's stream ends; it lists again and follows anew
}

void DockerSource::followOnce(bool& listed) {
    // The listing comes once the engine has accepted the event stream: a container that starts
    // or stops meanwhile is in the listing, in the stream, or both (a repeat is harmless).
    auto list = [&] {
        std::map<std::string, Container> running;
        for (auto& c : engine_.listRunning(options_.labels)) running[c.id] = std::move(c);
        listed = true;
        bool back;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            back = !status_.error.empty();
            status_.reachable = true;
            status_.error.clear();
        }
        if (back) report(false, "the engine answers again; its containers were listed anew");
        noteListed(std::move(running));
    };
    engine_.followEvents(options_.labels, [this](const ContainerEvent& e) { onEngineEvent(e); }, list);
}

void DockerSource::noteListed(std::map<std::string, Container> running) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        running_ = running;
        status_.containers = running.size();
        ++status_.resyncs;
    }
    publish(std::move(running));
}

bool DockerSource::labelled(const std::map<std::string, std::string>& labels) const { return carriesAnyLabel(labels, options_.labels); }

void DockerSource::onEngineEvent(const ContainerEvent& e) {
    if (callbacks_.event) callbacks_.event(e.action);
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
    auto nextResync = std::chrono::steady_clock::now() + options_.resyncInterval;
    while (true) {
        std::vector<Container> state;
        uint64_t generation;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait_until(lock, nextResync, [&] { return stopping_ || generation_ != done; });
            if (stopping_) return;
            state = latest_;
            generation = generation_;
        }
        if (std::chrono::steady_clock::now() >= nextResync) {
            nextResync = std::chrono::steady_clock::now() + options_.resyncInterval;
            requestResync(); // its listing comes back as a new state
        }
        if (generation == done) continue;
        if (applyOnce(state)) done = generation;
        else if (!sleepFor(options_.retryMin)) return; // then the newest state is applied again
    }
}

bool DockerSource::applyOnce(const std::vector<Container>& state) {
    std::string error;
    try {
        callbacks_.apply(state);
    } catch (const std::exception& e) {
        error = e.what();
    } catch (...) {
        error = "unknown error";
    }
    std::string before;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        before = status_.applyError;
        status_.applyError = error;
    }
    if (error.empty() != before.empty())
        report(!error.empty(), error.empty() ? "its zone is written again" : "its zone could not be written (tried again): " + error);
    return error.empty();
}

} // namespace dadns::hosts
