// Building JSON response bodies: Poco::JSON objects and arrays (keys in insertion order),
// written out by the SDK's JSON writer, so the API escapes strings as everything else does.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace dadns {

inline Poco::JSON::Object::Ptr jsonObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }
inline Poco::JSON::Array::Ptr jsonArray() { return new Poco::JSON::Array(); }
std::string toJson(const Poco::JSON::Object::Ptr& object);

// Parses a request body as a JSON object; throws InvalidInput saying what is wrong.
Poco::JSON::Object::Ptr parseJsonObject(const std::string& body);

} // namespace dadns

#include "core/dispatch/LaneStatus.hpp"

namespace dadns {
// One backend lane as the API shows it (status, backends).
Poco::JSON::Object::Ptr laneStatusJson(const LaneStatus& lane);
} // namespace dadns
