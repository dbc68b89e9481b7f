// dadns entry point; replaced by the ServerApplication in core/app/DadnsApp.
#include <cstdio>
int main() { std::puts("dadns " DADNS_VERSION); return 0; }
