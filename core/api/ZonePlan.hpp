// Plans and diffs (what octoDNS calls a plan): per backend, the records that would be added
// and removed to go from what the backend holds to a target state. A backend verified by
// content (ABI 1.3) is compared by what it serves now; one verified by count by the version
// it last applied, which is all it can tell. Records compare in canonical form
// (core/zone/ServedContent.hpp), so a changed record is one removal and one addition.
#pragma once

#include "core/api/ApiContext.hpp"
#include "core/http/ApiExchange.hpp"

namespace dadns {

// The answer to a change with ?dry_run=true: nothing was stored.
void sendPlan(ApiContext& ctx, ApiResponse& out, const ChangeOutcome& plan);

// GET /api/v1/zones/{zone}/diff
void addZoneDiffRoute(Router& router, ApiContext& ctx);

} // namespace dadns
