// Leak tests compare the process-wide count of live native tensors before and after; a test
// running in parallel would change that count, so the suite runs one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
