import CKernels

/// What the decoder's kernels run on, for benchmark reports.
public enum KernelInfo {
    /// Threads of the kernel pool (LWDATA_THREADS, else every core).
    public static var threads: Int { KernelPool.shared.threads }
    /// The instruction set the quantized kernels selected, e.g. `avx2`.
    public static var instructionSet: String { String(cString: lw_kernel_isa()) }
}
