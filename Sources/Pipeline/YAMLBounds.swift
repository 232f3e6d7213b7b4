import CYaml
import Foundation

/// Limits on a YAML document, checked on libyaml's event stream before any node is built, so
/// that a hostile file (nested aliases, deep nesting, huge scalars) is refused in linear time
/// and memory instead of being expanded.
public struct YAMLBounds: Sendable, Equatable {
    /// Nodes of the document with every alias replaced by what it names.
    public var maxExpandedNodes = 100_000
    /// Bytes of scalar text of the document with every alias replaced by what it names.
    public var maxExpandedBytes = 16 << 20
    /// Nested sequences and mappings, aliases included.
    public var maxDepth = 64
    /// Bytes of one scalar.
    public var maxScalarBytes = 1 << 20

    public init() {}

    /// A bound the document goes past, with the 1-based line where it did.
    public struct Violation: Error, Equatable {
        public var line: Int
        public var message: String
    }

    /// Scans `text`; returns the first bound it exceeds, or nil. Syntax errors are left to the
    /// composer, which reports them with more context.
    public func check(_ text: String) -> Violation? {
        if text.utf8.count > maxExpandedBytes {
            return Violation(line: 1, message: "the file is larger than the bound of \(maxExpandedBytes) bytes")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser)
        }
    }

    /// Size of a node with its aliases expanded.
    private struct Size {
        var nodes = 0
        var bytes = 0
        var height = 0
    }

    private struct Open {
        var anchor: String?
        var size = Size(nodes: 1, bytes: 0, height: 1)
    }

    private func scan(_ parser: inout yaml_parser_t) -> Violation? {
        var anchors: [String: Size] = [:]
        var stack: [Open] = []
        // Nodes and bytes of the expanded document read so far: each collection and scalar counts
        // once where it is written, each alias counts the whole node it names.
        var expanded = Size()
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            var finished: (anchor: String?, size: Size)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SEQUENCE_START_EVENT:
                stack.append(Open(anchor: Self.string(event.data.sequence_start.anchor)))
                expanded.nodes += 1
                if stack.count > maxDepth {
                    return Violation(line: line, message: "nesting is deeper than the bound of \(maxDepth) levels")
                }
            case YAML_MAPPING_START_EVENT:
                stack.append(Open(anchor: Self.string(event.data.mapping_start.anchor)))
                expanded.nodes += 1
                if stack.count > maxDepth {
                    return Violation(line: line, message: "nesting is deeper than the bound of \(maxDepth) levels")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let open = stack.popLast() else { return nil }
                finished = (open.anchor, open.size)
            case YAML_SCALAR_EVENT:
                let length = Int(event.data.scalar.length)
                if length > maxScalarBytes {
                    return Violation(line: line, message: "a scalar of \(length) bytes is larger than the bound of \(maxScalarBytes) bytes")
                }
                finished = (Self.string(event.data.scalar.anchor), Size(nodes: 1, bytes: length, height: 0))
                expanded.nodes += 1
                expanded.bytes += length
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                // An undefined alias is the composer's error to report.
                guard let size = anchors[name] else { return nil }
                finished = (nil, size)
                expanded.nodes += size.nodes
                expanded.bytes += size.bytes
                if stack.count + size.height > maxDepth {
                    return Violation(line: line, message: "alias *\(name) nests deeper than the bound of \(maxDepth) levels")
                }
            default:
                continue
            }
            guard let (anchor, size) = finished else { continue }
            if let anchor { anchors[anchor] = size }
            if !stack.isEmpty {
                stack[stack.count - 1].size.nodes += size.nodes
                stack[stack.count - 1].size.bytes += size.bytes
                stack[stack.count - 1].size.height = max(stack[stack.count - 1].size.height, size.height + 1)
            }
            if expanded.nodes > maxExpandedNodes {
                return Violation(line: line, message: "the document expands to more than the bound of \(maxExpandedNodes) nodes (aliases expanded)")
            }
            if expanded.bytes > maxExpandedBytes {
                return Violation(line: line, message: "the document expands to more than the bound of \(maxExpandedBytes) bytes of text (aliases expanded)")
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
