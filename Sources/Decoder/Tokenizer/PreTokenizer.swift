/// How a byte-level BPE vocabulary cuts text into words before merging: the family named by a
/// GGUF's `tokenizer.ggml.pre`. Each family reproduces the split of the Hugging Face tokenizer
/// the vocabulary was trained with, exactly (see the scanners in `GPT2Split` and `Llama3Split`).
public enum PreTokenizer: String, Sendable, CaseIterable {
    /// GPT-2's pattern after isolating every `\p{N}` scalar (SmolLM, StarCoder): Hugging Face's
    /// `Sequence[Digits(individual_digits), ByteLevel(use_regex)]`, llama.cpp's `smollm`.
    case smollm
    /// Llama 3's pattern: case-insensitive contractions, a letter run with one leading
    /// non-letter, numbers in groups of up to three, punctuation runs keeping trailing newlines.
    case llamaBPE = "llama-bpe"
    /// Qwen2's pattern: Llama 3's with numbers one digit at a time.
    case qwen2
    /// GPT-2's pattern (`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`).
    case gpt2
    /// What a file without a known-good `tokenizer.ggml.pre` gets: the GPT-2 pattern.
    case `default`

    /// The family for a `tokenizer.ggml.pre` value, accepting the aliases llama.cpp writes for
    /// the same split; `nil` (key absent) means `.default`.
    /// - Throws: `TokenizerError.unknownPreTokenizer` for a name no family covers.
    public init(ggufName: String?) throws {
        guard let name = ggufName else {
            self = .default
            return
        }
        if let family = Self.aliases[name] {
            self = family
        } else {
            throw TokenizerError.unknownPreTokenizer(name: name)
        }
    }

    /// `tokenizer.ggml.pre` values (as llama.cpp's converter writes them) and their family.
    static let aliases: [String: PreTokenizer] = [
        "smollm": .smollm, "starcoder": .smollm, "refact": .smollm, "codeshell": .smollm,
        "llama-bpe": .llamaBPE, "llama3": .llamaBPE, "llama-v3": .llamaBPE, "falcon3": .llamaBPE,
        "pixtral": .llamaBPE,
        "qwen2": .qwen2, "deepseek-r1-qwen": .qwen2, "stablelm2": .qwen2,
        "gpt2": .gpt2, "gpt-2": .gpt2, "phi-2": .gpt2, "mpt": .gpt2, "olmo": .gpt2,
        "default": .default,
    ]

    /// Whether a word that is itself in the vocabulary is taken whole without merging
    /// (Hugging Face BPE's `ignore_merges`, set in Llama 3's tokenizer.json).
    var takesWholeWordsFromVocabulary: Bool { self == .llamaBPE }

    /// Cuts `text[range]` into words, calling `body` with each word's byte range in order.
    /// The ranges cover `range` exactly, without gaps.
    @inline(__always)
    func split(_ text: UTF8Text, _ range: Range<Int>, _ body: (Range<Int>) -> Void) {
        switch self {
        case .gpt2, .default:
            GPT2Split.split(text, range, isolatingNumbers: false, body)
        case .smollm:
            GPT2Split.split(text, range, isolatingNumbers: true, body)
        case .llamaBPE:
            Llama3Split.split(text, range, maximumDigits: 3, body)
        case .qwen2:
            Llama3Split.split(text, range, maximumDigits: 1, body)
        }
    }

    /// The words of `text`, as strings (for tests and diagnostics; encoding uses `split`).
    func words(_ text: String) -> [String] {
        let utf8 = Array(text.utf8)
        var words: [String] = []
        utf8.withUnsafeBufferPointer { buffer in
            split(UTF8Text(bytes: buffer), 0 ..< buffer.count) { words.append(String(decoding: buffer[$0], as: UTF8.self)) }
        }
        return words
    }
}
