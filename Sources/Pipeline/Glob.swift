#if canImport(Glibc)
import Glibc
#endif

/// Shell-style wildcard expansion of file paths.
enum Glob {
    /// The sorted paths matching `pattern`; empty when none.
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { i in
            result.gl_pathv[i].map { String(cString: $0) }
        }.sorted()
    }
}
