// Everything a plugin author needs: include this one header.
#pragma once

#include <dadns/abi.h>
#include <dadns/sdk/backend.hpp>
#include <dadns/sdk/basic_auth.hpp>
#include <dadns/sdk/clock.hpp>
#include <dadns/sdk/files.hpp>
#include <dadns/sdk/host.hpp>
#include <dadns/sdk/http.hpp>
#include <dadns/sdk/json.hpp>
#include <dadns/sdk/json_writer.hpp>
#include <dadns/sdk/master_file.hpp>
#include <dadns/sdk/plugin.hpp>
#include <dadns/sdk/process.hpp>
#include <dadns/sdk/record_views.hpp>
#include <dadns/sdk/service.hpp>
#include <dadns/sdk/settings.hpp>
#include <dadns/sdk/stamp.hpp>
#include <dadns/sdk/types.hpp>
#include <dadns/sdk/utf8.hpp>
