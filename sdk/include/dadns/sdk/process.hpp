// Running a program (rndc, a checker, a hook) from inside the daemon, with a timeout and its
// output captured.
//
// The daemon blocks signals in its threads, may hold many descriptors and runs many threads,
// so the child is set up to owe it nothing:
// - argv is passed as it is, no shell; a name without '/' is looked up in PATH.
// - stdin is /dev/null; stdout and stderr go to one pipe the runner reads; no other
//   descriptor of the daemon reaches the child (all above 2 are closed in it).
// - The child starts with an empty signal mask and every signal at its default disposition,
//   whatever the calling thread blocks or the daemon ignores.
// - The child leads a new process group. On timeout the whole group gets SIGKILL, so what the
//   program started dies with it (unless it left the group itself, as daemons do).
// - The child is started with posix_spawn, or with fork where the C library cannot close the
//   descriptors at spawn time; between fork and exec the child calls only async-signal-safe
//   functions and system calls.
// - The runner waits for its own child only (waitpid on that pid), needs no SIGCHLD handler,
//   and retries every call an interrupting signal cuts short (EINTR).
//
// Error contract: runProcess never throws (except std::bad_alloc); every outcome, including a
// program that cannot be started, is in the ProcessResult. The daemon must not set SIGCHLD to
// SIG_IGN (the kernel would reap the child before the runner sees its status: End::Lost).
//
// Thread-safety: runProcess may be called from many threads at once; calls share nothing.
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

// glibc 2.34 and later close the daemon's descriptors in posix_spawn itself.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define DADNS_SDK_SPAWN_CLOSES_FDS 1
#endif

namespace dadns::sdk {

struct ProcessOptions {
    // The child and its process group are killed when it runs longer.
    std::chrono::milliseconds timeout{std::chrono::seconds(30)};
    // Output beyond this is read and dropped (so the child never blocks on a full pipe).
    size_t outputLimit = 64 * 1024;
};

struct ProcessResult {
    enum class End {
        Exited,     // exitStatus holds its exit status
        Signaled,   // killed by signal (not by the runner)
        TimedOut,   // ran past the timeout; the runner killed its process group
        NotStarted, // error says why (no such program, no descriptors left, ...)
        Lost,       // its status was collected elsewhere (SIGCHLD ignored); error says so
    };
    End end = End::NotStarted;
    int exitStatus = -1;
    int signal = 0;
    std::string output; // stdout and stderr interleaved, the first outputLimit bytes
    bool outputTruncated = false;
    std::string error;

    bool succeeded() const { return end == End::Exited && exitStatus == 0; }
    // "exit status 1", "killed by signal 9", "timed out after 5000 ms ...", "cannot run x: ...":
    // how it ended, for messages.
    std::string describe() const {
        if (end == End::Exited) return "exit status " + std::to_string(exitStatus);
        if (end == End::Signaled) return "killed by signal " + std::to_string(signal);
        return error;
    }
};

namespace detail {

inline std::string errnoText(int err) { return std::strerror(err); }

// The child's dup2 onto 0-2 must not clobber a descriptor the set-up still needs (a daemon
// may run with 0-2 closed, and then a new pipe gets them).
inline int aboveStdio(int fd) {
    if (fd < 0 || fd > 2) return fd;
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

// A close-on-exec pipe above 0-2: children other code starts concurrently never inherit it.
inline bool openPipe(int fds[2], std::string& error) {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        error = "cannot create a pipe: " + errnoText(errno);
        return false;
    }
    fds[0] = aboveStdio(fds[0]);
    fds[1] = aboveStdio(fds[1]);
    if (fds[0] >= 0 && fds[1] >= 0) return true;
    error = "cannot create a pipe: " + errnoText(errno);
    if (fds[0] >= 0) ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
    return false;
}

// argv as execve wants it; the strings must outlive it.
inline std::vector<char*> execArgs(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    return args;
}

#ifdef DADNS_SDK_SPAWN_CLOSES_FDS
// Every signal, glibc's own too. glibc keeps the signals from 32 up to SIGRTMIN for itself:
// sigfillset leaves them out and sigaddset refuses them, and posix_spawn then sets the ones not
// in its "set to default" set to SIG_IGN in the child, which exec keeps. A glibc sigset_t is
// an array of unsigned long holding signal n at bit n-1.
inline void fillAllSignals(sigset_t& set) {
    sigfillset(&set);
    constexpr size_t bits = 8 * sizeof(unsigned long);
    auto* words = reinterpret_cast<unsigned long*>(&set);
    for (int sig = 32; sig < SIGRTMIN; ++sig)
        words[static_cast<size_t>(sig - 1) / bits] |= 1UL << (static_cast<size_t>(sig - 1) % bits);
}

// Starts args with stdout and stderr on outFd; the pid, or -1 with error set.
inline pid_t spawnWithPosixSpawn(const std::vector<std::string>& argv, int outFd, std::string& error) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    if (posix_spawn_file_actions_init(&actions) != 0) {
        error = "cannot run " + argv[0] + ": out of memory";
        return -1;
    }
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    fillAllSignals(all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outFd, 1);
    posix_spawn_file_actions_adddup2(&actions, outFd, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    std::vector<char*> args = execArgs(argv);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc == 0) return pid;
    error = "cannot run " + argv[0] + ": " + errnoText(rc);
    return -1;
}
#endif

// Where execvp would find name; "" when nowhere. In the parent: it allocates.
inline std::string findExecutable(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* env = std::getenv("PATH");
    std::string path = env ? env : "/bin:/usr/bin";
    for (size_t start = 0; start <= path.size();) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return "";
}

// What the forked child does before exec, async-signal-safe calls only. Dispositions are reset
// before the mask is cleared, so no signal reaches a handler of the daemon in the child.
[[noreturn]] inline void execForkedChild(const char* program, char* const* args, int outFd, int devNull, int statusFd, long maxFd,
                                         const struct sigaction& defaultAction, int rtmin) {
    ::setpgid(0, 0);
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &defaultAction, nullptr);
    // glibc's sigaction refuses the signals it keeps for itself (32 up to SIGRTMIN), so one the
    // daemon inherited ignored would stay ignored through exec; the kernel resets them. An
    // all-zero kernel sigaction is SIG_DFL, no flags, an empty mask, whatever the layout.
    for (int sig = 32; sig < rtmin; ++sig) {
        unsigned long zeros[8] = {};
        ::syscall(SYS_rt_sigaction, sig, zeros, nullptr, static_cast<size_t>((_NSIG - 1) / 8));
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(devNull, 0) >= 0 && ::dup2(outFd, 1) >= 0 && ::dup2(outFd, 2) >= 0) {
        bool closed = false; // every descriptor above 2 but statusFd (close-on-exec: exec closes it)
#ifdef SYS_close_range
        closed = (statusFd == 3 || ::syscall(SYS_close_range, 3u, static_cast<unsigned>(statusFd - 1), 0u) == 0) &&
                 ::syscall(SYS_close_range, static_cast<unsigned>(statusFd + 1), ~0u, 0u) == 0;
#endif
        for (long fd = 3; !closed && fd < maxFd; ++fd)
            if (fd != statusFd) ::close(static_cast<int>(fd));
        ::execve(program, args, environ);
    }
    int err = errno;
    while (::write(statusFd, &err, sizeof err) < 0 && errno == EINTR) {
    }
    ::_exit(127);
}

// The exec error the child reports on statusFd; 0 when exec succeeded (the pipe closed).
inline int readExecError(int statusFd) {
    int err = 0;
    ssize_t n;
    while ((n = ::read(statusFd, &err, sizeof err)) < 0 && errno == EINTR) {
    }
    return n == static_cast<ssize_t>(sizeof err) ? err : 0;
}

// The same start as spawnWithPosixSpawn, with fork and exec.
inline pid_t spawnWithFork(const std::vector<std::string>& argv, int outFd, std::string& error) {
    std::string program = findExecutable(argv[0]);
    if (program.empty()) {
        error = "cannot run " + argv[0] + ": " + errnoText(ENOENT);
        return -1;
    }
    std::vector<char*> args = execArgs(argv);
    struct sigaction defaultAction {};
    defaultAction.sa_handler = SIG_DFL;
    sigemptyset(&defaultAction.sa_mask);
    struct rlimit limit {};
    long maxFd = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY ? static_cast<long>(limit.rlim_cur) : 65536;
    int status[2];
    if (!openPipe(status, error)) return -1;
    int devNull = aboveStdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int rtmin = SIGRTMIN; // a glibc call: made before fork
    pid_t pid = devNull < 0 ? -1 : ::fork();
    if (pid == 0) execForkedChild(program.c_str(), args.data(), outFd, devNull, status[1], maxFd, defaultAction, rtmin);
    int forkErr = errno;
    ::close(status[1]);
    if (devNull >= 0) ::close(devNull);
    if (pid < 0) {
        ::close(status[0]);
        error = "cannot run " + argv[0] + ": " + errnoText(forkErr);
        return -1;
    }
    ::setpgid(pid, pid); // from both sides: the group exists before anyone signals it
    int execErr = readExecError(status[0]);
    ::close(status[0]);
    if (execErr == 0) return pid;
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    error = "cannot run " + argv[0] + ": " + errnoText(execErr);
    return -1;
}

inline pid_t spawnChild(const std::vector<std::string>& argv, int outFd, std::string& error) {
#ifdef DADNS_SDK_SPAWN_CLOSES_FDS
    return spawnWithPosixSpawn(argv, outFd, error);
#else
    return spawnWithFork(argv, outFd, error);
#endif
}

// A descriptor that becomes readable when pid ends (Linux 5.3+), or -1.
inline int openPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
    long fd = ::syscall(SYS_pidfd_open, pid, 0u); // close-on-exec by definition
    return fd >= 0 ? static_cast<int>(fd) : -1;
#else
    (void)pid;
    return -1;
#endif
}

// Reads what the pipe holds now (the read end is non-blocking); false once it is closed.
inline bool readOutput(int fd, size_t limit, ProcessResult& result) {
    char buf[16384];
    for (int reads = 0; reads < 64; ++reads) { // bounded: a child writing without end still times out
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
        if (n == 0) return false;
        size_t room = limit > result.output.size() ? limit - result.output.size() : 0;
        size_t keep = static_cast<size_t>(n) < room ? static_cast<size_t>(n) : room;
        result.output.append(buf, keep);
        if (keep < static_cast<size_t>(n)) result.outputTruncated = true;
    }
    return true;
}

inline void recordStatus(int status, ProcessResult& result) {
    if (WIFEXITED(status)) {
        result.end = ProcessResult::End::Exited;
        result.exitStatus = WEXITSTATUS(status);
    } else {
        result.end = ProcessResult::End::Signaled;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
}

inline void killGroupAndReap(pid_t pid, std::chrono::milliseconds timeout, ProcessResult& result) {
    ::kill(-pid, SIGKILL); // pid is not reaped yet, so the group id cannot belong to anyone else
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    result.end = ProcessResult::End::TimedOut;
    result.error = "timed out after " + std::to_string(timeout.count()) + " ms; its process group was killed";
}

// Reads the child's output until it ends or the deadline passes.
inline void collect(pid_t pid, int outFd, const ProcessOptions& options, ProcessResult& result) {
    auto deadline = std::chrono::steady_clock::now() + options.timeout;
    ::fcntl(outFd, F_SETFL, ::fcntl(outFd, F_GETFL) | O_NONBLOCK);
    int pidFd = openPidFd(pid);
    bool outputOpen = true;
    for (;;) {
        int status = 0;
        pid_t done;
        while ((done = ::waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR) {
        }
        if (done == pid) {
            if (outputOpen) readOutput(outFd, options.outputLimit, result); // what it wrote last
            recordStatus(status, result);
            break;
        }
        if (done < 0) {
            result.end = ProcessResult::End::Lost;
            result.error = "its exit status was collected elsewhere (is SIGCHLD ignored?)";
            break;
        }
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            killGroupAndReap(pid, options.timeout, result);
            break;
        }
        // Without a pid descriptor, look at the child again every 10 ms.
        int waitMs = static_cast<int>(pidFd >= 0 ? std::min<long long>(left, 60000) : std::min<long long>(left, 10));
        struct pollfd fds[2];
        nfds_t n = 0;
        if (outputOpen) fds[n++] = {outFd, POLLIN, 0};
        if (pidFd >= 0) fds[n++] = {pidFd, POLLIN, 0};
        int ready = ::poll(fds, n, waitMs);
        if (ready > 0 && outputOpen && fds[0].revents != 0) outputOpen = readOutput(outFd, options.outputLimit, result);
    }
    if (pidFd >= 0) ::close(pidFd);
}

// How a child is started: spawnWithPosixSpawn or spawnWithFork.
using Spawner = pid_t (*)(const std::vector<std::string>& argv, int outFd, std::string& error);

inline ProcessResult runWith(Spawner spawn, const std::vector<std::string>& argv, const ProcessOptions& options) {
    ProcessResult result;
    if (argv.empty() || argv[0].empty()) {
        result.error = "no program to run";
        return result;
    }
    int out[2];
    if (!openPipe(out, result.error)) return result;
    pid_t pid = spawn(argv, out[1], result.error);
    ::close(out[1]); // the child holds the only write end now: end of output means it closed it
    if (pid > 0) collect(pid, out[0], options, result);
    ::close(out[0]);
    return result;
}

} // namespace detail

// Runs argv[0] with argv as its arguments until it ends or options.timeout passes.
inline ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {}) {
    return detail::runWith(detail::spawnChild, argv, options);
}

} // namespace dadns::sdk
