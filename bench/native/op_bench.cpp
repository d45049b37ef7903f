// Prints the cost per call (microseconds) of a small op called from C++:
//   direct  at::add(a, b) through the C++ API (unboxed dispatch)
//   boxed   aten::add.Tensor through the dispatcher's boxed path (what the C# binding uses)
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>

template <typename F>
double per_call_us(int iterations, F&& f) {
  for (int i = 0; i < iterations / 10; ++i) f();  // warm up
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) f();
  auto end = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(end - start).count() / iterations;
}

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 200000;
  at::set_num_threads(1);
  at::Tensor a = at::ones({2, 2});
  at::Tensor b = at::ones({2, 2});
  double direct = per_call_us(iterations, [&] { at::Tensor c = at::add(a, b); });
  auto op = c10::Dispatcher::singleton().findSchemaOrThrow("aten::add", "Tensor");
  double boxed = per_call_us(iterations, [&] {
    torch::jit::Stack stack{a, b, c10::IValue(1)};
    op.callBoxed(&stack);
  });
  std::printf("direct_us %.3f\nboxed_us %.3f\n", direct, boxed);
  return 0;
}
