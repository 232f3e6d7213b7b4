import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// One line read from a file: its bytes (without the newline), or only its size when it exceeded the limit.
public enum ReadLine: Sendable {
    case text([UInt8])
    case oversized(byteCount: Int)
}

/// Streams the lines of a plain or zstd-compressed file with bounded memory.
///
/// zstd is recognised by its magic number, not the file name. A compressed stream that ends
/// mid-frame is reported as truncated, and a damaged one as corrupt, naming the file and how
/// many complete lines were read before the damage.
public final class LineReader {
    public let path: String
    /// Complete lines returned so far.
    public private(set) var lineNumber = 0
    /// Decompressed bytes consumed so far.
    public private(set) var bytesRead = 0
    public private(set) var isCompressed = false
    private let maxLineBytes: Int
    private var fd: Int32
    private var raw: [UInt8]
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false
    private var text: [UInt8] = []
    private var textStart = 0
    private var textEnd = 0
    private var dctx: OpaquePointer?
    private var frameOpen = false
    private var decoderHasOutput = false
    private var skipping = 0

    /// Opens `path`; lines longer than `maxLineBytes` come back as `.oversized` and are not kept.
    public init(path: String, maxLineBytes: Int = 256 << 20) throws {
        self.path = path
        self.maxLineBytes = maxLineBytes
        fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw StoreError.io(path: path, operation: "open", errno: errno) }
        raw = [UInt8](repeating: 0, count: 1 << 20)
        var magic: [UInt8] = []
        while magic.count < 4 && !rawEOF {
            try fillRaw()
            magic = Array(raw[0..<min(4, rawEnd)])
        }
        isCompressed = magic == [0x28, 0xB5, 0x2F, 0xFD]
        if isCompressed {
            dctx = ZSTD_createDCtx()
            if dctx == nil { throw StoreError.zstd(path: path, message: "cannot allocate a decompression context") }
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if let dctx { ZSTD_freeDCtx(dctx) }
    }

    /// The next line, or nil at the end of the file.
    public func next() throws -> ReadLine? {
        while true {
            if let newline = findNewline() {
                let length = newline - textStart
                defer { textStart = newline + 1; bytesRead += length + 1; lineNumber += 1 }
                if skipping > 0 {
                    let total = skipping + length
                    skipping = 0
                    return .oversized(byteCount: total)
                }
                return .text(Array(text[textStart..<newline]))
            }
            let available = textEnd - textStart
            if available > maxLineBytes {
                skipping += available
                bytesRead += available
                textStart = 0
                textEnd = 0
            }
            if try !produceText() {
                let rest = textEnd - textStart
                if rest == 0 && skipping == 0 { return nil }
                lineNumber += 1
                bytesRead += rest
                defer { textStart = 0; textEnd = 0 }
                if skipping > 0 { let total = skipping + rest; skipping = 0; return .oversized(byteCount: total) }
                return .text(Array(text[textStart..<textEnd]))
            }
        }
    }

    /// Calls `body` for each line's bytes; oversized lines are passed as nil.
    public func forEach(_ body: ([UInt8]?) throws -> Void) throws {
        while let line = try next() {
            switch line {
            case .text(let bytes): try body(bytes)
            case .oversized: try body(nil)
            }
        }
    }

    private func findNewline() -> Int? {
        guard textStart < textEnd else { return nil }
        return text.withUnsafeBufferPointer { buf -> Int? in
            let base = buf.baseAddress! + textStart
            guard let hit = memchr(base, 0x0A, textEnd - textStart) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(buf.baseAddress!)
        }
    }

    /// Moves the unfinished line to the front and makes room for `count` more bytes.
    private func makeRoom(_ count: Int) {
        if textStart > 0 {
            let rest = textEnd - textStart
            if rest > 0 {
                text.withUnsafeMutableBufferPointer { buf in
                    _ = memmove(buf.baseAddress!, buf.baseAddress! + textStart, rest)
                }
            }
            textStart = 0
            textEnd = rest
        }
        if text.count - textEnd < count {
            text.append(contentsOf: repeatElement(0, count: max(count, text.count) - (text.count - textEnd)))
        }
    }

    /// Appends more decoded bytes to the text buffer; false at the end of input.
    private func produceText() throws -> Bool {
        if rawStart == rawEnd && !decoderHasOutput {
            if rawEOF { return try finishInput() }
            try fillRaw()
            if rawStart == rawEnd { return try finishInput() }
        }
        guard let dctx else {
            let count = rawEnd - rawStart
            makeRoom(count)
            text.withUnsafeMutableBufferPointer { out in
                raw.withUnsafeBufferPointer { src in
                    _ = memcpy(out.baseAddress! + textEnd, src.baseAddress! + rawStart, count)
                }
            }
            textEnd += count
            rawStart = rawEnd
            return true
        }
        let outSize = ZSTD_DStreamOutSize()
        makeRoom(outSize)
        let (consumed, produced, code) = raw.withUnsafeBytes { rawBuf in
            text.withUnsafeMutableBytes { out -> (Int, Int, Int) in
                var input = ZSTD_inBuffer(src: rawBuf.baseAddress! + rawStart, size: rawEnd - rawStart, pos: 0)
                var output = ZSTD_outBuffer(dst: out.baseAddress! + textEnd, size: outSize, pos: 0)
                let code = ZSTD_decompressStream(dctx, &output, &input)
                return (input.pos, output.pos, code)
            }
        }
        if ZSTD_isError(code) != 0 {
            throw StoreError.corrupt(path: path, lines: lineNumber, bytes: bytesRead,
                                     message: String(cString: ZSTD_getErrorName(code)))
        }
        textEnd += produced
        rawStart += consumed
        frameOpen = code != 0
        decoderHasOutput = produced == outSize
        return true
    }

    private func finishInput() throws -> Bool {
        if frameOpen { throw StoreError.truncated(path: path, lines: lineNumber, bytes: bytesRead) }
        return false
    }

    private func fillRaw() throws {
        if rawStart > 0 && rawStart == rawEnd { rawStart = 0; rawEnd = 0 }
        if rawEnd == raw.count {
            raw.removeSubrange(0..<rawStart)
            rawEnd -= rawStart
            rawStart = 0
            raw.append(contentsOf: repeatElement(0, count: max(0, (1 << 20) - raw.count)))
        }
        while true {
            let n = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress! + rawEnd, $0.count - rawEnd) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { rawEOF = true }
            rawEnd += n
            return
        }
    }
}
