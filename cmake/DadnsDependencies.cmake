# Third-party dependencies, all from Debian packages (scripts/deps.sh installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# Debian's Poco MySQL/PostgreSQL target files refer to MySQL::client and PostgreSQL::client,
# which nothing defines: define them before Poco is looked up.
find_package(PostgreSQL REQUIRED)
pkg_check_modules(MYSQLCLIENT REQUIRED IMPORTED_TARGET mysqlclient)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()
if(NOT TARGET MySQL::client)
  add_library(MySQL::client INTERFACE IMPORTED)
  target_link_libraries(MySQL::client INTERFACE PkgConfig::MYSQLCLIENT)
endif()

find_package(Poco REQUIRED COMPONENTS Foundation Util Net NetSSL Crypto JSON Data DataSQLite DataMySQL DataPostgreSQL)
# The API's event loop speaks TLS through OpenSSL directly (non-blocking sessions).
find_package(OpenSSL REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
pkg_check_modules(LDNS REQUIRED IMPORTED_TARGET ldns)
find_package(Catch2 REQUIRED)
