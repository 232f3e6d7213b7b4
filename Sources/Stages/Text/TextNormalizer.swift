import Foundation

/// Whitespace normalisation used for queries and for exact deduplication.
public enum TextNormalizer {
    /// NFC; CRLF and CR become LF; runs of spaces and tabs become one space; spaces around line
    /// breaks go; three or more line breaks become two; leading and trailing whitespace goes.
    public static func normalize(_ text: String) -> String {
        let nfc = text.precomposedStringWithCanonicalMapping
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        var newlines = 0
        var previousWasCR = false
        for scalar in nfc.unicodeScalars {
            if scalar == "\r" || scalar == "\n" || scalar == "\u{2028}" || scalar == "\u{2029}" {
                if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
                previousWasCR = scalar == "\r"
                newlines += 1
                pendingSpace = false
                continue
            }
            previousWasCR = false
            let isSpace = scalar.value < 0x80
                ? scalar == " " || scalar == "\t" || scalar.value == 0x0B || scalar.value == 0x0C
                : scalar.properties.isWhitespace || scalar == "\u{200B}" || scalar == "\u{FEFF}"
            if isSpace {
                pendingSpace = true
                continue
            }
            if !out.isEmpty {
                if newlines > 0 {
                    out.append(contentsOf: String(repeating: "\n", count: min(newlines, 2)).unicodeScalars)
                } else if pendingSpace {
                    out.append(" ")
                }
            }
            newlines = 0
            pendingSpace = false
            out.append(scalar)
        }
        return String(out)
    }
}
