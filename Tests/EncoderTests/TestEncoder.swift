import Foundation
import Decoder
import Testing

/// The installed sentence encoder, found the way the application finds it.
enum TestEncoder {
    /// The encoder folder, or nil when it is not installed (the tests that need it are skipped).
    static let directory: String? = try? EncoderLocator.existingDirectory()
    /// Whether `scripts/setup.sh` has installed the encoder.
    static var installed: Bool { directory != nil }
    /// Why encoder tests are skipped.
    static let skipReason: Comment = "sentence encoder not installed: run scripts/setup.sh (or set LWDATA_ENCODER)"

    /// The encoder, loaded once for the process (two threads of its own).
    static let encoder: SentenceEncoder? = directory.flatMap { try? SentenceEncoder(directory: $0, threads: 2) }

    /// Lines of a fixture file, decoded as JSON objects.
    static func fixture(_ name: String) throws -> [[String: Any]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FixtureError.malformed(name)
            }
            return object
        }
    }

    enum FixtureError: Error {
        case missing(String)
        case malformed(String)
    }
}

/// Cosine similarity of two vectors.
func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0, na: Float = 0, nb: Float = 0
    for i in a.indices {
        dot += a[i] * b[i]
        na += a[i] * a[i]
        nb += b[i] * b[i]
    }
    return dot / (na.squareRoot() * nb.squareRoot())
}
