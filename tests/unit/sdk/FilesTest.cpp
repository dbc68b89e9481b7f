// Atomic file replacement: the file holds the old content or the new, a symlink is never
// followed, the temp file never outlives a failure, and each failure says which kind it is.
#include "support/TestSupport.hpp"

#include <dadns/sdk/files.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace dadns::sdk;
using dadns::test::fileExists;
using dadns::test::readFile;
using dadns::test::TempDir;
using dadns::test::writeFile;

namespace {

std::vector<std::string> namesIn(const std::string& dir) {
    std::vector<std::string> names;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.emplace_back(e->d_name);
        closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
}

unsigned modeOf(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

template <class Error, class Fn>
std::string failure(Fn&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error of the expected kind was thrown");
    return "";
}

} // namespace

TEST_CASE("writeFileAtomically writes or replaces a file with exactly the given mode", "[sdk]") {
    TempDir dir;
    std::string path = dir.file("zone.db");
    mode_t old = ::umask(077);
    writeFileAtomically(path, "first\n", 0644);
    ::umask(old);
    CHECK(readFile(path) == "first\n");
    CHECK(modeOf(path) == 0644); // the umask did not narrow it
    writeFileAtomically(path, std::string(1 << 20, 'x'), 0600);
    CHECK(readFile(path).size() == (1u << 20));
    CHECK(modeOf(path) == 0600);
    writeFileAtomically(path, "");
    CHECK(readFile(path).empty());
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"zone.db"}); // no temp file left
}

TEST_CASE("writeFileAtomically refuses a symlink at the target and leaves it and its target alone", "[sdk]") {
    TempDir dir;
    std::string target = dir.file("elsewhere"), link = dir.file("zone.db");
    writeFile(target, "precious\n");
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
    std::string why = failure<PermanentError>([&] { writeFileAtomically(link, "evil\n"); });
    CHECK(why.find(link) != std::string::npos);
    CHECK(why.find("symbolic link") != std::string::npos);
    CHECK(readFile(target) == "precious\n");
    char buf[256] = {};
    CHECK(::readlink(link.c_str(), buf, sizeof buf - 1) == static_cast<ssize_t>(target.size()));
    CHECK(std::string(buf) == target);
    // A dangling link too: following it would create the file it names.
    std::string dangling = dir.file("dangling.db");
    REQUIRE(::symlink(dir.file("created-through-link").c_str(), dangling.c_str()) == 0);
    CHECK_THROWS_AS(writeFileAtomically(dangling, "x"), PermanentError);
    CHECK_FALSE(fileExists(dir.file("created-through-link")));
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"dangling.db", "elsewhere", "zone.db"});
}

TEST_CASE("writeFileAtomically refuses a directory or an overlong name as permanent", "[sdk]") {
    TempDir dir;
    REQUIRE(::mkdir(dir.file("sub").c_str(), 0755) == 0);
    std::string why = failure<PermanentError>([&] { writeFileAtomically(dir.file("sub"), "x"); });
    CHECK(why.find(dir.file("sub")) != std::string::npos);
    CHECK(why.find("directory") != std::string::npos);
    why = failure<PermanentError>([&] { writeFileAtomically(dir.file(std::string(300, 'n')), "x"); });
    CHECK(why.find("too long") != std::string::npos);
    writeFile(dir.file("file"), "");
    CHECK_THROWS_AS(writeFileAtomically(dir.file("file") + "/under-a-file", "x"), PermanentError); // ENOTDIR
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"file", "sub"});
}

TEST_CASE("writeFileAtomically reports file system trouble as retryable, with the path and reason", "[sdk]") {
    TempDir dir;
    std::string missing = dir.file("no-such-dir") + "/zone.db";
    std::string why = failure<RetryableError>([&] { writeFileAtomically(missing, "x"); });
    CHECK(why.find(missing) != std::string::npos);
    CHECK(why.find("No such file or directory") != std::string::npos);
}

TEST_CASE("writeFileAtomically removes its temp file when the write fails and keeps the old file", "[sdk]") {
    TempDir dir;
    std::string path = dir.file("zone.db");
    writeFileAtomically(path, "old\n");
    // A file size limit makes the write itself fail (EFBIG) after the temp file exists.
    struct rlimit saved {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 4096;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string why;
    try {
        writeFileAtomically(path, std::string(100000, 'x'));
    } catch (const RetryableError& e) {
        why = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, oldHandler);
    CHECK(why.find("cannot write") != std::string::npos);
    CHECK(why.find(".tmp-") != std::string::npos);
    CHECK(readFile(path) == "old\n");
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"zone.db"});
}

TEST_CASE("writeFileAtomically checks the temp file before it goes live", "[sdk]") {
    TempDir dir;
    std::string path = dir.file("zone.db");
    writeFileAtomically(path, "good\n");
    std::string seen;
    std::string why = failure<PermanentError>([&] {
        writeFileAtomically(path, "bad\n", 0644, [&](const std::string& tmp) {
            seen = readFile(tmp);
            return std::string("named would reject it");
        });
    });
    CHECK(seen == "bad\n");
    CHECK(why == "named would reject it");
    CHECK_THROWS_AS(writeFileAtomically(path, "bad\n", 0644, [](const std::string&) -> std::string { throw RetryableError("checker down"); }),
                    RetryableError);
    CHECK(readFile(path) == "good\n");
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"zone.db"});
    writeFileAtomically(path, "better\n", 0644, [](const std::string&) { return std::string(); });
    CHECK(readFile(path) == "better\n");
}

TEST_CASE("concurrent writers of one file never leave a mixed or torn file", "[sdk]") {
    TempDir dir;
    std::string path = dir.file("shared");
    writeFileAtomically(path, std::string(65536, 'a'));
    std::atomic<bool> done{false};
    std::atomic<int> torn{0};
    std::thread reader([&] {
        while (!done) {
            std::string content = readFile(path);
            if (content.size() != 65536 || content.find_first_not_of(content[0]) != std::string::npos) ++torn;
        }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) writeFileAtomically(path, std::string(65536, static_cast<char>('b' + t)));
        });
    for (auto& w : writers) w.join();
    done = true;
    reader.join();
    CHECK(torn == 0);
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"shared"});
}

TEST_CASE("removeTempFiles removes only what writeFileAtomically leaves behind", "[sdk]") {
    TempDir dir;
    for (const char* name : {"a.db.tmp-123", "b.db.tmp-9", "conf.tmp-77", "notes.tmp-x", "a.db", "a.db.tmp-", "tmp-5"}) writeFile(dir.file(name), "");
    CHECK(removeTempFiles(dir.path(), "conf") == 1);
    CHECK(removeTempFiles(dir.path()) == 2);
    CHECK(namesIn(dir.path()) == std::vector<std::string>{"a.db", "a.db.tmp-", "notes.tmp-x", "tmp-5"});
    CHECK(removeTempFiles(dir.file("missing")) == 0);
}
