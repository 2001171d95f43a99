// cpp-httplib, with the macros its installed library was built with (SSL, zlib, brotli):
// include this instead of <httplib.h>.
#pragma once

#include <httplib.h>

#include "httplib_flags.h"
