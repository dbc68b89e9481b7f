#include "core/api/JsonWriter.hpp"

#include "core/util/Errors.hpp"

#include <dadns/sdk/json_writer.hpp>

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <vector>

namespace dadns {
namespace {

void writeValue(sdk::JsonWriter& out, const Poco::Dynamic::Var& value);

void writeObject(sdk::JsonWriter& out, const Poco::JSON::Object& object) {
    out.beginObject();
    for (const auto& name : object.getNames()) { // insertion order, for JSON_PRESERVE_KEY_ORDER objects
        out.key(name);
        writeValue(out, object.get(name));
    }
    out.endObject();
}

void writeValue(sdk::JsonWriter& out, const Poco::Dynamic::Var& value) {
    const std::type_info& type = value.type();
    if (value.isEmpty()) {
        out.null();
    } else if (type == typeid(Poco::JSON::Object::Ptr)) {
        const auto& object = value.extract<Poco::JSON::Object::Ptr>();
        if (object) writeObject(out, *object);
        else out.null();
    } else if (type == typeid(Poco::JSON::Array::Ptr)) {
        const auto& array = value.extract<Poco::JSON::Array::Ptr>();
        if (!array) {
            out.null();
            return;
        }
        out.beginArray();
        for (const auto& item : *array) writeValue(out, item);
        out.endArray();
    } else if (type == typeid(bool)) {
        out.value(value.extract<bool>());
    } else if (value.isInteger()) {
        if (value.isSigned()) out.value(value.convert<Poco::Int64>());
        else out.value(value.convert<Poco::UInt64>());
    } else if (value.isNumeric()) {
        out.value(value.convert<double>());
    } else {
        out.value(value.convert<std::string>());
    }
}

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

std::string toJson(const Poco::JSON::Object::Ptr& object) {
    sdk::JsonWriter out(sdk::NonUtf8::Escape); // API clients read JSON as UTF-8
    writeValue(out, object);
    return out.take();
}

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
