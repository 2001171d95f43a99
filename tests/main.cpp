// The single Catch2 main of nmt_tests (compiled once).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
