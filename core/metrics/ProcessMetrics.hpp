// process_* metrics (resident memory, CPU time, open files, start time) read from /proc.
#pragma once

#include "core/metrics/MetricsRegistry.hpp"

namespace dadns {

void addProcessMetrics(MetricsRegistry& registry);

// Resident set size of this process in bytes (0 when unknown).
size_t residentBytes();

} // namespace dadns
