#include "core/metrics/ProcessMetrics.hpp"

#include <chrono>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

namespace dadns {

size_t residentBytes() {
    std::ifstream statm("/proc/self/statm");
    size_t pages = 0, resident = 0;
    if (!(statm >> pages >> resident)) return 0;
    return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

namespace {

size_t openFiles() {
    size_t n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
        while (readdir(d)) ++n;
        closedir(d);
    }
    return n > 2 ? n - 3 : 0; // ".", ".." and the directory's own descriptor
}

} // namespace

void addProcessMetrics(MetricsRegistry& registry) {
    double start = static_cast<double>(std::time(nullptr));
    registry.addCollector([start](MetricsRegistry& r) {
        r.gaugeSet("process_resident_memory_bytes", "Resident memory size in bytes.", {}, static_cast<double>(residentBytes()));
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        r.gaugeSet("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", {}, cpu);
        r.gaugeSet("process_open_fds", "Number of open file descriptors.", {}, static_cast<double>(openFiles()));
        r.gaugeSet("process_start_time_seconds", "Start time of the process since the epoch in seconds.", {}, start);
    });
}

} // namespace dadns
