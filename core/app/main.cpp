// dadns entry point.
#include "core/app/DadnsApp.hpp"

int main(int argc, char** argv) {
    dadns::DadnsApp app;
    return app.run(argc, argv);
}
