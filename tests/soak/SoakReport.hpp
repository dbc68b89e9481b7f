// The soak run's summary and the requirements judged from what was recorded.
#pragma once

#include "soak/Faults.hpp"
#include "soak/SoakStats.hpp"

#include <vector>

namespace dadns::soak {

// Reads/s and writes/s, p50/p99 latencies overall and inside fault windows, statuses by route.
void printLoadSummary(const Recorder& rec, double loadSeconds);

// Every 5xx; fails the run on any but 503 with Retry-After.
void judgeServerErrors(const Recorder& rec, Verdict& verdict);

// A request that got no answer on a fresh connection while dadns was not being restarted.
void judgeTransportErrors(const Recorder& rec, Verdict& verdict, double graceSec);

void printFaults(const std::vector<FaultResult>& faults);

// The RSS series; fails the run when, within one dadns process under load (before untilSec),
// the last third of its samples is above the first third (after warmupSec) by more than
// tolerance (a fraction) plus 8 MiB.
void judgeRss(const std::vector<RssSample>& samples, Verdict& verdict, double tolerance, double warmupSec, double untilSec);

} // namespace dadns::soak
