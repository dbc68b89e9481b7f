#include "core/api/JsonWriter.hpp"

#include "core/util/Errors.hpp"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <set>
#include <sstream>
#include <vector>

namespace dadns {

std::string toJson(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(object, out);
    return out.str();
}

namespace {

// Poco keeps the last of two equal keys; a client that sends both meant one of them, and
// which is not ours to guess.
class DuplicateKeyRefusingHandler final : public Poco::JSON::ParseHandler {
public:
    void reset() override {
        ParseHandler::reset();
        keys_.clear();
    }
    void startObject() override {
        ParseHandler::startObject();
        keys_.emplace_back();
    }
    void endObject() override {
        ParseHandler::endObject();
        if (!keys_.empty()) keys_.pop_back();
    }
    void key(const std::string& k) override {
        if (!keys_.empty() && !keys_.back().insert(k).second) throw InvalidInput("malformed JSON: the key \"" + k + "\" appears twice in one object");
        ParseHandler::key(k);
    }

private:
    std::vector<std::set<std::string>> keys_;
};

} // namespace

Poco::JSON::Object::Ptr parseJsonObject(const std::string& body) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser(new DuplicateKeyRefusingHandler);
        parsed = parser.parse(body);
    } catch (const Poco::Exception& e) {
        throw InvalidInput("malformed JSON: " + e.message());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw InvalidInput("the JSON body must be an object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

} // namespace dadns
