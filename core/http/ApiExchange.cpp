#include "core/http/ApiExchange.hpp"

#include <dadns/sdk/json_writer.hpp>

#include <Poco/String.h>

namespace dadns {

std::string ApiRequest::param(const std::string& name, const std::string& def) const {
    auto it = params.find(name);
    return it == params.end() ? def : it->second;
}

std::string ApiRequest::header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (Poco::icompare(n, name) == 0) return v;
    return "";
}

std::string jsonError(const std::string& message) { return "{\"error\":" + sdk::jsonQuote(message, sdk::NonUtf8::Escape) + "}"; }

} // namespace dadns
