import CKernels
import Foundation

/// The decoder's threads: one pool for the process, used by every matrix product and the
/// attention of every model, so a forward pass pays microseconds (not a dispatch) per step.
///
/// Size: `LWDATA_THREADS` if set, else the number of active processors. A caller that finds
/// the pool busy with another thread's job runs its own job on its own thread.
final class KernelPool: @unchecked Sendable {
    // @unchecked: a handle to the C thread pool, which synchronises its own workers.
    static let shared = KernelPool(threads: KernelPool.configuredThreads)

    let pool: OpaquePointer
    /// Threads that run a job, the caller included.
    let threads: Int

    init(threads: Int) {
        pool = lw_pool_create(Int32(max(1, threads)))
        self.threads = Int(lw_pool_threads(pool))
    }

    static var configuredThreads: Int {
        if let text = ProcessInfo.processInfo.environment["LWDATA_THREADS"], let count = Int(text), count > 0 {
            return count
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// Runs `body(i)` for `i` in `0 ..< count` on the pool's threads; returns when all are done.
    func parallel(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var closure = body
            withUnsafeMutablePointer(to: &closure) { pointer in
                lw_pool_run(pool, Int64(count), { context, task in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(task))
                }, pointer)
            }
        }
    }
}
