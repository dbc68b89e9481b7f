// How the bind backend runs named's control commands: over the native control channel
// (RndcChannel, `rndc_conf`) or by running a configured rndc program per command
// (`rndc_command`). Both answer alike, so the signaller has one way to read an answer.
#pragma once

#include "RndcChannel.hpp"

#include <functional>
#include <string>
#include <vector>

namespace dadns::bind {

using ControlAnswer = RndcChannel::Answer;
// Runs one command given as rndc's arguments ({"reload", "example.com"}).
using NamedControl = std::function<ControlAnswer(const std::vector<std::string>& args)>;

// Runs `command args...` as a process per call; exit status 0 is Ok, anything else Failed with
// the program's output as the error (a process cannot tell "named said no" from "no answer").
NamedControl processControl(std::vector<std::string> command);
// Sends the arguments, joined by spaces as rndc joins them, over channel.
NamedControl channelControl(RndcChannel& channel);

// What named's answer says about the zone a command named: it has no such zone / it has one.
bool answerSaysNoSuchZone(const ControlAnswer& answer);
bool answerSaysZoneExists(const ControlAnswer& answer);

} // namespace dadns::bind
