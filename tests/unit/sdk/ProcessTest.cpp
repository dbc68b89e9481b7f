// The child-process runner as the daemon uses it: a clean child (no blocked or ignored signals,
// no inherited descriptors, its own process group), a timeout that kills the whole group,
// bounded output, only its own child reaped, and many threads at once. Each property is
// checked for both ways of starting a child (posix_spawn where the C library closes the
// descriptors, fork elsewhere).
#include <dadns/sdk/process.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <dirent.h>
#include <fstream>
#include <pthread.h>
#include <sstream>
#include <sys/time.h>
#include <thread>
#include <utility>
#include <vector>

using namespace dadns::sdk;
using std::chrono::milliseconds;

namespace {

std::vector<std::pair<std::string, detail::Spawner>> spawners() {
    std::vector<std::pair<std::string, detail::Spawner>> all{{"fork", detail::spawnWithFork}};
#ifdef DADNS_SDK_SPAWN_CLOSES_FDS
    all.emplace_back("posix_spawn", detail::spawnWithPosixSpawn);
#endif
    return all;
}

ProcessResult run(detail::Spawner spawner, const std::vector<std::string>& argv, milliseconds timeout = milliseconds(10000),
                  size_t limit = 64 * 1024) {
    ProcessOptions options;
    options.timeout = timeout;
    options.outputLimit = limit;
    return detail::runWith(spawner, argv, options);
}

ProcessResult shell(detail::Spawner spawner, const std::string& script, milliseconds timeout = milliseconds(10000)) {
    return run(spawner, {"/bin/sh", "-c", script}, timeout);
}

// Gone, or a zombie nobody reaps (as in a container whose init does not).
bool processGone(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return true;
    size_t paren = text.rfind(')');
    return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z';
}

size_t openDescriptors() {
    size_t n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
        while (readdir(d)) ++n;
        closedir(d);
    }
    return n;
}

} // namespace

TEST_CASE("runProcess reports the exit status and captures stdout and stderr", "[sdk]") {
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        ProcessResult r = shell(spawner, "echo out; echo err >&2; exit 3");
        CHECK(r.end == ProcessResult::End::Exited);
        CHECK(r.exitStatus == 3);
        CHECK_FALSE(r.succeeded());
        CHECK(r.output == "out\nerr\n");
        CHECK(r.describe() == "exit status 3");
        ProcessResult ok = run(spawner, {"printf", "%s|", "no shell: $HOME", "two words"});
        CHECK(ok.succeeded());
        CHECK(ok.output == "no shell: $HOME|two words|");
        ProcessResult input = run(spawner, {"cat"}, milliseconds(5000)); // stdin is /dev/null: ends at once
        CHECK(input.succeeded());
        CHECK(input.output.empty());
    }
    CHECK(runProcess({"/bin/sh", "-c", "echo default"}).output == "default\n");
}

TEST_CASE("runProcess reports a program killed by a signal, or one that cannot start", "[sdk]") {
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        ProcessResult r = shell(spawner, "kill -TERM $$; sleep 5");
        CHECK(r.end == ProcessResult::End::Signaled);
        CHECK(r.signal == SIGTERM);
        CHECK(r.describe() == "killed by signal 15");
        ProcessResult missing = run(spawner, {"dadns-no-such-program", "x"});
        CHECK(missing.end == ProcessResult::End::NotStarted);
        CHECK(missing.error.find("dadns-no-such-program") != std::string::npos);
        CHECK(missing.describe() == missing.error);
        CHECK(run(spawner, {"/no/such/dir/program"}).end == ProcessResult::End::NotStarted);
        CHECK(run(spawner, {"/etc/passwd"}).end == ProcessResult::End::NotStarted); // not executable
    }
    CHECK(runProcess({}).end == ProcessResult::End::NotStarted);
}

TEST_CASE("a timeout kills the child's whole process group and returns in time", "[sdk]") {
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        auto start = std::chrono::steady_clock::now();
        ProcessResult r = shell(spawner, "sleep 30 & echo $!; sleep 30", milliseconds(500));
        auto took = std::chrono::steady_clock::now() - start;
        CHECK(r.end == ProcessResult::End::TimedOut);
        CHECK(r.describe().find("timed out after 500 ms") != std::string::npos);
        CHECK(took >= milliseconds(500));
        CHECK(took < milliseconds(3000));
        int grandchild = std::atoi(r.output.c_str());
        REQUIRE(grandchild > 1);
        bool gone = false;
        for (int i = 0; i < 200 && !gone; ++i) {
            gone = processGone(grandchild);
            if (!gone) std::this_thread::sleep_for(milliseconds(10));
        }
        CHECK(gone);
    }
}

TEST_CASE("output beyond the limit is dropped and the child still runs to its end", "[sdk]") {
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        ProcessResult r = run(spawner, {"head", "-c", "300000", "/dev/zero"}, milliseconds(10000), 1000);
        CHECK(r.succeeded()); // it never blocked on a full pipe
        CHECK(r.output == std::string(1000, '\0'));
        CHECK(r.outputTruncated);
        ProcessResult small = run(spawner, {"echo", "hi"}, milliseconds(10000), 3);
        CHECK(small.output == "hi\n");
        CHECK_FALSE(small.outputTruncated);
    }
}

TEST_CASE("the child has an empty signal mask and default dispositions whatever the caller blocks", "[sdk]") {
    sigset_t block, saved;
    sigemptyset(&block);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGCHLD, SIGQUIT}) sigaddset(&block, sig);
    REQUIRE(pthread_sigmask(SIG_BLOCK, &block, &saved) == 0);
    auto oldUsr2 = std::signal(SIGUSR2, SIG_IGN);
    auto oldPipe = std::signal(SIGPIPE, SIG_IGN);
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        // exec: a shell that forks grep blocks every signal while it forks, and grep could read that.
        ProcessResult r = shell(spawner, "exec grep -E '^Sig(Blk|Ign)' /proc/$$/status");
        CHECK(r.succeeded());
        CHECK(r.output == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    }
    std::signal(SIGPIPE, oldPipe);
    std::signal(SIGUSR2, oldUsr2);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

TEST_CASE("no descriptor of the caller reaches the child", "[sdk]") {
    int leaky = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC, as a careless library opens files
    REQUIRE(leaky >= 0);
    int high = ::dup2(leaky, 200);
    REQUIRE(high == 200);
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        ProcessResult r = shell(spawner, "ls /proc/$$/fd");
        CHECK(r.succeeded());
        CHECK(r.output == "0\n1\n2\n");
    }
    ::close(high);
    ::close(leaky);
}

TEST_CASE("the runner reaps its own child only", "[sdk]") {
    for (const auto& [name, spawner] : spawners()) {
        INFO(name);
        pid_t other = ::fork();
        REQUIRE(other >= 0);
        if (other == 0) {
            ::usleep(100000);
            ::_exit(7);
        }
        CHECK(shell(spawner, "sleep 0.4").succeeded()); // the other child ends meanwhile
        int status = 0;
        CHECK(::waitpid(other, &status, 0) == other);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 7);
    }
}

TEST_CASE("signals interrupting the caller do not cut a run short", "[sdk]") {
    struct sigaction onAlarm {}, saved {};
    onAlarm.sa_handler = [](int) {};
    sigemptyset(&onAlarm.sa_mask);
    onAlarm.sa_flags = 0; // no SA_RESTART: every blocking call sees EINTR
    REQUIRE(::sigaction(SIGALRM, &onAlarm, &saved) == 0);
    struct itimerval every {{0, 1000}, {0, 1000}}, off {};
    REQUIRE(::setitimer(ITIMER_REAL, &every, nullptr) == 0);
    std::vector<ProcessResult> results;
    for (const auto& [name, spawner] : spawners()) {
        results.push_back(shell(spawner, "sleep 0.3; echo done"));
        results.push_back(shell(spawner, "sleep 5", milliseconds(300)));
    }
    ::setitimer(ITIMER_REAL, &off, nullptr);
    ::sigaction(SIGALRM, &saved, nullptr);
    for (size_t i = 0; i < results.size(); i += 2) {
        CHECK(results[i].succeeded());
        CHECK(results[i].output == "done\n");
        CHECK(results[i + 1].end == ProcessResult::End::TimedOut);
    }
}

TEST_CASE("many threads run commands at once", "[sdk]") {
    size_t descriptorsBefore = openDescriptors();
    std::atomic<int> wrong{0}, timedOut{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 12; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 8; ++i) {
                std::string tag = std::to_string(t) + "-" + std::to_string(i);
                if (i == 3 && t % 4 == 0) { // some runs time out among the others
                    if (runProcess({"sleep", "5"}, ProcessOptions{milliseconds(200), 1024}).end == ProcessResult::End::TimedOut) ++timedOut;
                    continue;
                }
                ProcessResult r = runProcess({"/bin/sh", "-c", "echo \"$0\"; echo \"$0\" >&2", tag});
                if (!r.succeeded() || r.output != tag + "\n" + tag + "\n") ++wrong;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(wrong == 0);
    CHECK(timedOut == 3);
    CHECK(openDescriptors() == descriptorsBefore);
}
