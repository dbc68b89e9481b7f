// Asks every backend's server directly what it serves and compares it with the expected state:
// named by AXFR, MariaDB by the CoreDNS table's rows, PowerDNS by its HTTP API.
#pragma once

#include "soak/SoakCluster.hpp"
#include "soak/ZoneModel.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace dadns::soak {

using ServedRecords = std::map<std::string, std::set<std::string>>;  // zone -> canonical records

ServedRecords namedServes(const test::NamedServer& named, const std::vector<std::string>& zones);
ServedRecords mariadbServes(const test::MariaDbServer& db, const std::string& database);
ServedRecords pdnsServes(const test::PdnsServer& pdns, const std::vector<std::string>& zones);

// One line per zone and backend that differs (missing and unexpected records listed); empty
// when every backend serves exactly the expected records.
std::vector<std::string> compareBackends(SoakCluster& cluster, const std::map<std::string, ZoneExpect>& expected);

} // namespace dadns::soak
