import CZstd

/// A streaming zstd compressor that hands each compressed chunk to a sink.
final class ZstdEncoder {
    private let context: OpaquePointer
    private var output: [UInt8]
    private let path: String

    init(level: Int32, path: String) throws {
        guard let cctx = ZSTD_createCCtx() else { throw StoreError.zstd(path: path, message: "cannot allocate a compression context") }
        context = cctx
        self.path = path
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level))
        try check(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1))
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input`; with `end`, closes the frame. Every produced chunk goes to `sink`.
    func compress(_ input: UnsafeRawBufferPointer, end: Bool, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let mode = end ? ZSTD_e_end : ZSTD_e_continue
        while true {
            let outCount = output.count
            let (remaining, produced) = try output.withUnsafeMutableBytes { out -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: outCount, pos: 0)
                let r = ZSTD_compressStream2(context, &outBuffer, &inBuffer, mode)
                try check(r)
                return (r, outBuffer.pos)
            }
            if produced > 0 { try output.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
            let finished = end ? remaining == 0 : inBuffer.pos == inBuffer.size
            if finished { return }
        }
    }

    private func check(_ code: Int) throws {
        if ZSTD_isError(code) != 0 { throw StoreError.zstd(path: path, message: String(cString: ZSTD_getErrorName(code))) }
    }
}
