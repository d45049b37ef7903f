// Image files through OpenCV. Buffers are plain HxWxC uint8 in RGB order so data-loader
// worker threads can decode without touching tensors.
#include "errors.h"
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <cstring>

extern "C" {
bool ss_image_read(const char* path, int mode, uint8_t** data, int* height, int* width, int* channels) {
  SS_GUARD(false, {
    int flags = mode == 0 ? cv::IMREAD_COLOR : mode == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_UNCHANGED;
    cv::Mat image = cv::imread(path, flags);
    if (image.empty())
      throw std::runtime_error(std::string(path) + ": cannot read image (missing, truncated or not an image)");
    if (image.depth() != CV_8U)
      throw std::runtime_error(std::string(path) + ": only 8-bit images are supported");
    if (image.channels() == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    else if (image.channels() == 4) cv::cvtColor(image, image, cv::COLOR_BGRA2RGBA);
    if (!image.isContinuous()) image = image.clone();
    size_t bytes = image.total() * image.elemSize();
    *data = static_cast<uint8_t*>(std::malloc(bytes));
    std::memcpy(*data, image.data, bytes);
    *height = image.rows;
    *width = image.cols;
    *channels = image.channels();
    return true;
  })
}

bool ss_image_write(const char* path, const uint8_t* data, int height, int width, int channels) {
  SS_GUARD(false, {
    if (channels != 1 && channels != 3)
      throw std::invalid_argument(std::string(path) + ": can write 1 or 3 channels, not " + std::to_string(channels));
    cv::Mat image(height, width, CV_8UC(channels), const_cast<uint8_t*>(data));
    cv::Mat bgr;
    if (channels == 3) cv::cvtColor(image, bgr, cv::COLOR_RGB2BGR);
    else bgr = image;
    if (!cv::imwrite(path, bgr)) throw std::runtime_error(std::string(path) + ": cannot write image");
    return true;
  })
}

bool ss_image_resize(const uint8_t* src, int height, int width, int channels, uint8_t* dst,
                     int new_height, int new_width, int interpolation) {
  SS_GUARD(false, {
    cv::Mat in(height, width, CV_8UC(channels), const_cast<uint8_t*>(src));
    cv::Mat out(new_height, new_width, CV_8UC(channels), dst);
    cv::resize(in, out, cv::Size(new_width, new_height), 0, 0,
               interpolation == 0 ? cv::INTER_NEAREST : cv::INTER_LINEAR);
    if (out.data != dst) throw std::runtime_error("resize reallocated its output");
    return true;
  })
}
}
