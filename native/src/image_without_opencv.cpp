// Image functions of a native layer built without OpenCV (cmake -DSEMISEG_OPENCV=OFF): each one
// is an error that says so, naming the file, so that everything else (tensors, models, training
// on tensors) can be built on a machine with libtorch but no OpenCV headers.
#include "errors.h"
#include <stdexcept>
#include <string>

namespace {
[[noreturn]] void no_opencv(const std::string& what) {
  throw std::runtime_error(what + ": this native layer was built without OpenCV (SEMISEG_OPENCV=OFF), so it cannot "
                           "read, write or resize images; rebuild it with OpenCV's development files installed");
}
}  // namespace

extern "C" {
bool ss_image_read(const char* path, int mode, uint8_t** data, int* height, int* width, int* channels) {
  SS_GUARD(false, { no_opencv(path); })
}

bool ss_image_write(const char* path, const uint8_t* data, int height, int width, int channels) {
  SS_GUARD(false, { no_opencv(path); })
}

bool ss_image_resize(const uint8_t* src, int height, int width, int channels, uint8_t* dst,
                     int new_height, int new_width, int interpolation) {
  SS_GUARD(false, { no_opencv("image resize"); })
}
}
