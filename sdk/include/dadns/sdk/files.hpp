// Replacing a file atomically: readers (named, another process, a crash) see the old content
// or the new, never a mix or a torn file.
//
// Error contract: every failure throws, with the path and the system's error text:
// - PermanentError when this path can never be written this way, so retrying cannot help:
//   a symbolic link or a directory at the path (ELOOP, EISDIR), a name too long (ENAMETOOLONG),
//   a file where a directory is expected (ENOTDIR), a name the file system refuses (EINVAL),
//   and content the check callback refuses. A check that throws passes its own error on.
// - RetryableError for everything else, which is about the file system, not this file: no
//   space or quota (ENOSPC, EDQUOT), read-only (EROFS), I/O errors (EIO), permissions
//   (EACCES, EPERM), a missing directory (ENOENT), out of descriptors or memory.
// On every failure the temp file is removed, and the file at path is untouched, except one: a
// RetryableError saying the directory could not be synced after the rename, when the new
// content is in place but may not survive a crash (writing it again is the remedy).
//
// Thread-safety: calls may run concurrently, for the same path too (each writes its own temp
// file; the last rename wins, and a reader sees one whole version).
#pragma once

#include <dadns/sdk/types.hpp>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace dadns::sdk {

namespace detail {

[[noreturn]] inline void throwFileError(const std::string& what, const std::string& path, int err) {
    std::string message = what + " " + path + ": " + std::strerror(err);
    if (err == ELOOP || err == EISDIR || err == ENAMETOOLONG || err == ENOTDIR || err == EINVAL) throw PermanentError(message);
    throw RetryableError(message);
}

// "<path>.tmp-<random number>": in the target's directory (so rename stays in one file
// system), and recognisable by removeTempFiles after a crash.
inline std::string atomicTempPath(const std::string& path) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return path + ".tmp-" + std::to_string(random());
}

// A new temp file next to path. O_EXCL never opens an existing file or follows a symlink.
inline int createTemp(const std::string& path, unsigned mode, std::string& tmp) {
    for (int attempt = 0;; ++attempt) {
        tmp = atomicTempPath(path);
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
        if (fd >= 0) return fd;
        if (errno == EINTR || (errno == EEXIST && attempt < 16)) continue;
        throwFileError("cannot create", tmp, errno);
    }
}

inline void writeAndSync(int fd, const std::string& content, unsigned mode, const std::string& tmp) {
    for (size_t done = 0; done < content.size();) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throwFileError("cannot write", tmp, errno);
        done += static_cast<size_t>(n);
    }
    // fchmod: the mode asked for, whatever the umask.
    if (::fchmod(fd, mode & 07777) != 0) throwFileError("cannot set the mode of", tmp, errno);
    // EINVAL: a file that cannot be synced (as syncDirectory): nothing to make durable this way.
    if (::fsync(fd) != 0 && errno != EINVAL) throwFileError("cannot sync", tmp, errno);
}

// Makes the rename durable. A file system that cannot sync a directory (EINVAL) has nothing
// to make durable this way.
inline void syncDirectory(const std::string& path) {
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw RetryableError(path + " was replaced, but its directory cannot be opened to sync it: " + std::strerror(errno));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) throw RetryableError(path + " was replaced, but its directory cannot be synced: " + std::strerror(err));
}

} // namespace detail

// Replaces path with content: a new temp file in the same directory (O_EXCL, O_NOFOLLOW),
// written, given mode (exactly: the umask does not narrow it), fsync'ed, optionally checked,
// renamed over path, and the directory fsync'ed. A symbolic link at path is refused, never
// followed (rename replaces a link that appears meanwhile, without following it either);
// links in the directory part are followed, so an operator may link the directory.
// check(tempPath), when given, returns "" when the file may go live, else why not.
inline void writeFileAtomically(const std::string& path, const std::string& content, unsigned mode = 0644,
                                const std::function<std::string(const std::string&)>& check = nullptr) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        throw PermanentError("refusing to replace " + path + ": it is a symbolic link");
    if (S_ISDIR(st.st_mode)) detail::throwFileError("cannot replace", path, EISDIR);
    std::string tmp;
    int fd = detail::createTemp(path, mode, tmp);
    try {
        detail::writeAndSync(fd, content, mode, tmp);
        int rc = ::close(fd);
        fd = -1;
        if (rc != 0) detail::throwFileError("cannot write", tmp, errno);
        std::string problem = check ? check(tmp) : std::string();
        if (!problem.empty()) throw PermanentError(problem);
        if (::rename(tmp.c_str(), path.c_str()) != 0) detail::throwFileError("cannot rename " + tmp + " to", path, errno);
    } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    detail::syncDirectory(path);
}

// Removes the temp files writeFileAtomically leaves in dir when a crash cuts a write short
// (<name>.tmp-<digits>, only for names starting with prefix when one is given); returns how
// many. Only safe while nothing writes in dir (at start, before the first write). Never throws.
inline size_t removeTempFiles(const std::string& dir, const std::string& prefix = "") {
    size_t removed = 0;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return 0;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        size_t tmp = name.rfind(".tmp-");
        bool temp = tmp != std::string::npos && tmp + 5 < name.size() &&
                    name.find_first_not_of("0123456789", tmp + 5) == std::string::npos && name.compare(0, prefix.size(), prefix) == 0;
        if (temp && ::unlink((dir + "/" + name).c_str()) == 0) ++removed;
    }
    ::closedir(d);
    return removed;
}

} // namespace dadns::sdk
