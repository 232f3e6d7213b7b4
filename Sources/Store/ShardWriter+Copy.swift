extension ShardWriter {
    /// Appends the lines of the shard file at `source` that hold `items` (by their `line`), in
    /// file order, and returns those items renumbered to their lines in this shard.
    public func append(linesOf source: String, holding items: [ItemRow]) throws -> [ItemRow] {
        let byLine = Dictionary(items.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        var copied: [ItemRow] = []
        var line = 0
        try LineReader(path: source).forEach { bytes in
            defer { line += 1 }
            guard var item = byLine[line], let bytes else { return }
            item.line = records
            copied.append(item)
            try append(line: bytes)
        }
        return copied
    }
}
