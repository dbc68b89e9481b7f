// DirectAdmin's request parsing: query string and urlencoded body to parameters, Basic
// credentials (the SDK's parser, which the plugin uses), and the urlencoded replies. Properties:
// parameters are read as given, or refused only for being given twice with different values; a
// reply reads back (with the SDK's form reader, as DirectAdmin would) to the fields it was made
// of; credentials made from a user and password decode to the same.
#include "FuzzCheck.hpp"

#include "DirectAdminForm.hpp"

#include <dadns/sdk/basic_auth.hpp>
#include <dadns/sdk/http.hpp>
#include <dadns/sdk/types.hpp>

#include <Poco/Base64Encoder.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <sstream>

using namespace dadns;

namespace {

std::string base64(const std::string& in) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << in;
    encoder.close();
    return out.str();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    bool bodyIsForm = in.ConsumeBool();
    std::string query = in.ConsumeRandomLengthString(4096);
    std::string header = in.ConsumeRandomLengthString(8192);
    std::string body = in.ConsumeRemainingBytesAsString();

    directadmin::Params params;
    try {
        params = directadmin::requestParams(query, body, bodyIsForm);
        // Every parameter of a form body is there with its value (the query may repeat it
        // only with the same value).
        if (bodyIsForm)
            for (const auto& [k, v] : sdk::parseForm(body)) fuzz::check(params.at(k) == v, "a body parameter is read as given");
    } catch (const sdk::PermanentError& e) {
        // The one documented refusal: a parameter given twice with different values.
        fuzz::check(std::string(e.what()).find("given twice with different values") != std::string::npos,
                    std::string("only repeated parameters are refused, not: ") + e.what());
    }

    // A reply made of the parameters' values reads back to them.
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& [k, v] : params) fields.emplace_back("f" + std::to_string(fields.size()), v);
    std::string reply = directadmin::reply(fields);
    auto back = sdk::parseForm(reply);
    fuzz::check(back.size() == fields.size(), "a reply has as many fields as it was made of");
    for (const auto& [k, v] : fields) fuzz::check(back[k] == v, "a reply value reads back: " + k);
    std::string error = directadmin::errorReply(query);
    fuzz::check(sdk::parseForm(error)["text"] == query, "an error text reads back");

    auto creds = sdk::parseBasicAuth(header);
    if (creds) fuzz::check(creds->user.find(':') == std::string::npos, "a user name has no colon");
    // Credentials made by a client decode to what it sent.
    std::string user = query.substr(0, query.find(':'));
    auto made = sdk::parseBasicAuth("Basic " + base64(user + ":" + body));
    if (user.size() + body.size() < 2000) {
        fuzz::check(made.has_value(), "well-formed credentials are read");
        fuzz::check(made->user == user && made->password == body, "credentials decode to what was encoded");
    }
    return 0;
}
