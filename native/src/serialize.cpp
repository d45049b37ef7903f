// PyTorch's own file format: the zip archive of a pickle plus tensor storages that
// torch.save writes and torch.load reads, through libtorch's pickler.
#include "errors.h"
#include <torch/serialize.h>
#include <fstream>
#include <iterator>

extern "C" {
bool ss_save(ss_value v, const char* path) {
  SS_GUARD(false, {
    std::vector<char> bytes = torch::pickle_save(*reinterpret_cast<c10::IValue*>(v));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(std::string("cannot open ") + path + " for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error(std::string("failed writing ") + path);
    return true;
  })
}

ss_value ss_load(const char* path) {
  SS_GUARD(nullptr, {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot open ") + path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      return reinterpret_cast<ss_value>(new c10::IValue(torch::pickle_load(bytes)));
    } catch (const c10::Error& e) {
      throw std::runtime_error(std::string(path) + " is not a PyTorch file libtorch can read: " +
                               e.what_without_backtrace());
    }
  })
}
}
