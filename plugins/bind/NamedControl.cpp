#include "NamedControl.hpp"

#include <dadns/sdk/process.hpp>

#include <algorithm>

namespace dadns::bind {

namespace {
// isc_result_t values named puts in an answer's `result` (lib/isc/include/isc/result.h).
constexpr uint32_t kIscExists = 18;
constexpr uint32_t kIscNotFound = 23;
// Longer than rndc's own 60 s connection timeout, so rndc reports a named that does not answer;
// a hung rndc still frees the signalling thread.
constexpr std::chrono::seconds kRndcProcessTimeout{90};

bool says(const ControlAnswer& answer, const char* text) {
    return answer.error.find(text) != std::string::npos || answer.text.find(text) != std::string::npos;
}
} // namespace

NamedControl processControl(std::vector<std::string> command) {
    return [command = std::move(command)](const std::vector<std::string>& args) {
        std::vector<std::string> argv = command;
        argv.insert(argv.end(), args.begin(), args.end());
        sdk::ProcessOptions options;
        options.timeout = kRndcProcessTimeout;
        sdk::ProcessResult r = sdk::runProcess(argv, options);
        ControlAnswer answer;
        answer.status = r.succeeded() ? ControlAnswer::Status::Ok : ControlAnswer::Status::Failed;
        std::string out = r.output;
        out.erase(std::remove(out.begin(), out.end(), '\n'), out.end());
        if (r.succeeded()) answer.text = out;
        else answer.error = "rndc " + args.front() + " failed (" + r.describe() + "): " + out;
        return answer;
    };
}

NamedControl channelControl(RndcChannel& channel) {
    return [&channel](const std::vector<std::string>& args) {
        std::string line;
        for (const auto& arg : args) line += (line.empty() ? "" : " ") + arg;
        ControlAnswer answer = channel.command(line);
        if (!answer.ok()) answer.error = answer.describe();
        return answer;
    };
}

// named's answer carries a result code; an rndc process gives only its text ("file not found"
// must not read as "no such zone", so the text is the last resort).
bool answerSaysNoSuchZone(const ControlAnswer& answer) {
    if (answer.status != ControlAnswer::Status::Failed) return false;
    if (answer.result != 0) return answer.result == kIscNotFound;
    return says(answer, "no matching zone") || says(answer, "zone not found");
}

bool answerSaysZoneExists(const ControlAnswer& answer) {
    if (answer.status != ControlAnswer::Status::Failed) return false;
    if (answer.result != 0) return answer.result == kIscExists;
    return says(answer, "already exists");
}

} // namespace dadns::bind
