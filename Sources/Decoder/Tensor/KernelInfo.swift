import CKernels

/// What the decoder's kernels run on, for benchmark reports.
public enum KernelInfo {
    /// Threads of the kernel pool (LWDATA_THREADS, else every core).
    public static var threads: Int { KernelPool.shared.threads }
    /// The instruction set the quantized kernels selected, e.g. `avx2`.
    public static var instructionSet: String { String(cString: lw_kernel_isa()) }
    /// Runs `body(0 ..< count)` on the kernel pool's threads (benchmarks measuring the memory bandwidth they get).
    public static func parallel(_ count: Int, _ body: (Int) -> Void) { KernelPool.shared.parallel(count, body) }
}
