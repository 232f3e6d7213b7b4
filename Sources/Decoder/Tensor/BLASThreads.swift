import CBLAS

/// OpenBLAS would start its own threads inside each call; the decoder already spreads its
/// calls over every core, so OpenBLAS runs single-threaded.
enum BLASThreads {
    /// Evaluating this sets OpenBLAS to one thread, once per process.
    static let singleThreaded: Void = openblas_set_num_threads(1)
}
