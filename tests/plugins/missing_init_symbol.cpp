// Refused by the loader: exports no dadns_plugin_init.
extern "C" __attribute__((visibility("default"))) int dadns_plugin_init_misspelled() { return 0; }
