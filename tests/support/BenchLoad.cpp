#include "support/BenchLoad.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace dadns::test {

using Clock = std::chrono::steady_clock;

std::string benchArg(int argc, char** argv, const std::string& name, const std::string& def) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--" + name + "=", 0) == 0) return a.substr(name.size() + 3);
        if (a == "--" + name) return "1";
    }
    return def;
}

std::string benchZoneText(const std::string& zone, int serial, const std::string& wwwIp) {
    return "$TTL 300\n@ IN SOA ns1." + zone + ". hostmaster." + zone + ". " + std::to_string(serial) + " 3600 600 86400 300\n"
           "@ IN NS ns1." + zone + ".\nns1 IN A 192.0.2.53\n@ IN A 192.0.2.1\nwww IN A " + wwwIp + "\nmail IN A 192.0.2.25\n"
           "@ IN MX 10 mail." + zone + ".\n@ IN TXT \"v=spf1 a mx -all\"\nftp IN CNAME www\n_dmarc IN TXT \"v=DMARC1; p=none\"\n"
           "sip IN AAAA 2001:db8::5\n@ IN CAA 0 issue \"letsencrypt.org\"\n";
}

std::string benchIp(int i) {
    return "10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
}

double PushRun::percentileMs(double p) const {
    if (latenciesMs.empty()) return 0;
    return latenciesMs[std::min(latenciesMs.size() - 1, static_cast<size_t>(p * static_cast<double>(latenciesMs.size())))];
}

PushRun pushZones(const Daemon& daemon, int count, int clients, const std::function<std::string(int)>& zoneName,
                  const std::function<std::string(int)>& zoneText, int expectedStatus) {
    std::atomic<int> next{0}, failures{0};
    std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
    auto started = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(daemon.port()));
            session.setKeepAlive(true);
            Poco::Net::HTTPBasicCredentials creds(Daemon::user, Daemon::password);
            for (int i = next++; i < count; i = next++) {
                std::string zone = zoneName(i);
                std::string body = zoneText(i);
                auto t0 = Clock::now();
                try {
                    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_PUT, "/api/v1/zones/" + zone, Poco::Net::HTTPMessage::HTTP_1_1);
                    req.setKeepAlive(true);
                    req.setContentType("text/plain");
                    req.setContentLength(static_cast<std::streamsize>(body.size()));
                    creds.authenticate(req);
                    session.sendRequest(req) << body;
                    Poco::Net::HTTPResponse resp;
                    std::istream& in = session.receiveResponse(resp);
                    std::string ignored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                    if (static_cast<int>(resp.getStatus()) != expectedStatus) ++failures;
                } catch (const std::exception&) {
                    ++failures;
                    session.reset();
                }
                latencies[static_cast<size_t>(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            }
        });
    for (auto& t : threads) t.join();
    PushRun run;
    run.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    run.failures = failures.load();
    for (auto& v : latencies) run.latenciesMs.insert(run.latenciesMs.end(), v.begin(), v.end());
    std::sort(run.latenciesMs.begin(), run.latenciesMs.end());
    return run;
}

Poco::JSON::Object::Ptr laneStatus(Daemon& daemon, const std::string& name) {
    auto body = daemon.get("/api/v1/backends").body;
    auto arr = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getArray("backends");
    for (size_t i = 0; arr && i < arr->size(); ++i)
        if (name.empty() || arr->getObject(i)->getValue<std::string>("name") == name) return arr->getObject(i);
    return nullptr;
}

double cpuSeconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t end = stat.rfind(')'); // the command name may contain spaces
    if (end == std::string::npos) return 0;
    std::istringstream fields(stat.substr(end + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) { // fields 14 and 15 of proc(5)
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

} // namespace dadns::test
