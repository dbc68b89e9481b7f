// dadns entry point.
#include "core/app/DadnsApp.hpp"

#include <malloc.h>

int main(int argc, char** argv) {
    // ldns allocates and frees 64 KiB parse buffers for every record it reads. With glibc's
    // defaults each free trims the heap and the next malloc grows it again (a brk and page
    // faults per record, 4x the parse time): keep some freed memory around instead.
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
    mallopt(M_TOP_PAD, 1 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    dadns::DadnsApp app;
    return app.run(argc, argv);
}
