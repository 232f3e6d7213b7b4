import Foundation

/// BERT's uncased WordPiece tokenizer, read from a Hugging Face `tokenizer.json`
/// (`model.type == "WordPiece"`): the text is split into words (`BertTextSplitter`), each
/// word becomes the longest vocabulary pieces from its start (later pieces prefixed `##`),
/// or `[UNK]` when it cannot be covered or is longer than `maxCharactersPerWord`.
/// Special tokens written in the text (`[SEP]`, `[MASK]`, …) map to their ids.
public struct WordPieceTokenizer: Sendable {
    /// Piece → id.
    let vocabulary: [String: Int32]
    /// Special tokens (the `added_tokens`) → id, matched in the raw text.
    let specialTokens: [String: Int32]
    let continuingPrefix: String
    let maxCharactersPerWord: Int
    /// Id of `[UNK]`, `[CLS]`, `[SEP]`.
    public let unknownID: Int32, classID: Int32, separatorID: Int32

    /// Reads `tokenizer.json` at `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EncoderError.unreadable(path: path, reason: "no such file or not readable")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw EncoderError.malformedFile(path: path, field: "JSON object")
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece" else {
            throw EncoderError.malformedFile(path: path, field: "model.type (expected WordPiece)")
        }
        guard let vocab = model["vocab"] as? [String: Int], !vocab.isEmpty else {
            throw EncoderError.malformedFile(path: path, field: "model.vocab")
        }
        let pieces = vocab.mapValues { Int32($0) }
        vocabulary = pieces
        continuingPrefix = model["continuing_subword_prefix"] as? String ?? "##"
        maxCharactersPerWord = model["max_input_chars_per_word"] as? Int ?? 100
        var special: [String: Int32] = [:]
        for case let token as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
            if let content = token["content"] as? String, let id = token["id"] as? Int, !content.isEmpty { special[content] = Int32(id) }
        }
        specialTokens = special
        func lookup(_ token: String, _ field: String) throws -> Int32 {
            guard let id = special[token] ?? pieces[token] else { throw EncoderError.malformedFile(path: path, field: field) }
            return id
        }
        let unknown = model["unk_token"] as? String ?? "[UNK]"
        unknownID = try lookup(unknown, "model.unk_token (\(unknown) not in the vocabulary)")
        classID = try lookup("[CLS]", "[CLS] token")
        separatorID = try lookup("[SEP]", "[SEP] token")
    }

    /// The ids of `text` between `[CLS]` and `[SEP]`, truncated to `maxLength` ids in all.
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        var ids: [Int32] = [classID]
        let limit = max(2, maxLength) - 1
        for segment in splitSpecial(text) {
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let part):
                for word in BertTextSplitter.words(part) {
                    appendPieces(of: word, to: &ids)
                    if ids.count >= limit { break }
                }
            }
            if ids.count >= limit { break }
        }
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        ids.append(separatorID)
        return ids
    }

    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        if word.count > maxCharactersPerWord {
            ids.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while end > start {
                var piece = start > 0 ? continuingPrefix : ""
                piece.unicodeScalars.append(contentsOf: word[start ..< end])
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.append(unknownID)
                return
            }
            pieces.append(found)
            start = end
        }
        ids.append(contentsOf: pieces)
    }

    private enum Segment {
        case text(String)
        case special(Int32)
    }

    /// `text` cut at each special token written in it (leftmost, longest first).
    private func splitSpecial(_ text: String) -> [Segment] {
        guard text.contains("[") else { return [.text(text)] }
        var segments: [Segment] = []
        let scalars = Array(text.unicodeScalars)
        var pending = String.UnicodeScalarView()
        var index = 0
        let tokens = specialTokens.sorted { $0.key.unicodeScalars.count > $1.key.unicodeScalars.count }
            .map { (Array($0.key.unicodeScalars), $0.value) }
        outer: while index < scalars.count {
            for (token, id) in tokens where index + token.count <= scalars.count && scalars[index ..< index + token.count].elementsEqual(token) {
                if !pending.isEmpty { segments.append(.text(String(pending))); pending = String.UnicodeScalarView() }
                segments.append(.special(id))
                index += token.count
                continue outer
            }
            pending.append(scalars[index])
            index += 1
        }
        if !pending.isEmpty { segments.append(.text(String(pending))) }
        return segments
    }
}
