#include "core/api/JsonWriter.hpp"

#include "core/util/Errors.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace dadns {

std::string toJson(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(object, out);
    return out.str();
}

Poco::JSON::Object::Ptr parseJsonObject(const std::string& body) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(body);
    } catch (const Poco::Exception& e) {
        throw InvalidInput("malformed JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw InvalidInput("the JSON body must be an object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

} // namespace dadns
