// Precompiled header for libnmt, nmt and nmt_tests: the heavy, stable third-party headers.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
