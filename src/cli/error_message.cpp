#include "cli/error_message.h"

#include <c10/util/Exception.h>

#include <new>
#include <string_view>

#include "common/errors.h"

namespace nmt::cli {
namespace {

// LibTorch's internal asserts ask users to report a bug to PyTorch; from nmt, that request
// belongs to nmt.
std::string without_pytorch_request(std::string message) {
  for (const std::string_view request :
       {", please report a bug to PyTorch.", " please report a bug to PyTorch."}) {
    const auto at = message.find(request);
    if (at != std::string::npos) message.erase(at, request.size());
  }
  return message;
}

}  // namespace

std::string error_message(const std::exception_ptr& error, const std::string& command) {
  std::string message;
  try {
    std::rethrow_exception(error);
  } catch (const c10::Error& e) {
    message = without_pytorch_request(first_line(e.what_without_backtrace()));
  } catch (const std::bad_alloc&) {
    return "out of memory while running `nmt " + command + "`";
  } catch (const std::exception& e) {
    message = first_line(e.what());
  } catch (...) {
  }
  return message.empty() ? "unexpected internal error while running `nmt " + command + "`"
                         : message;
}

}  // namespace nmt::cli
