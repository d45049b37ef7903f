# Empty compiler generated dependencies file for op_bench.
# This may be replaced when dependencies are built.
