file(REMOVE_RECURSE
  "CMakeFiles/op_bench.dir/op_bench.cpp.o"
  "CMakeFiles/op_bench.dir/op_bench.cpp.o.d"
  "op_bench"
  "op_bench.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/op_bench.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
