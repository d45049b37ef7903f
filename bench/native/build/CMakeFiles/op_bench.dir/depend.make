# Empty dependencies file for op_bench.
# This may be replaced when dependencies are built.
