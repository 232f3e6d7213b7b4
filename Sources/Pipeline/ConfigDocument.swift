import Foundation
import Yams

/// A YAML document read into JSON values, remembering the line of every key for error messages.
public struct ConfigDocument: Sendable {
    public let file: String
    public let root: JSONValue
    private let lines: [String: Int]

    /// Reads and parses a YAML file; syntax errors name the file and line.
    public init(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw PipelineError.config(file: file, line: nil, path: "", message: "cannot read the file (missing, unreadable or not UTF-8)")
        }
        try self.init(file: file, text: text)
    }

    /// Parses `text`; a document past `bounds` is refused before any node is built.
    public init(file: String, text: String, bounds: YAMLBounds = YAMLBounds()) throws {
        self.file = file
        if let violation = bounds.check(text) {
            throw PipelineError.config(file: file, line: violation.line, path: "", message: violation.message)
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PipelineError.config(file: file, line: nil, path: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw PipelineError.config(file: file, line: 1, path: "", message: "the file is empty") }
        var lines: [String: Int] = [:]
        root = try Self.convert(node, path: "", lines: &lines, file: file)
        self.lines = lines
    }

    /// The line where `path` (like `stages[0].params.x`) is written, if known.
    public func line(of path: String) -> Int? {
        var p = path
        while !p.isEmpty {
            if let line = lines[p] { return line }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            p = String(p[..<cut])
        }
        return lines[""]
    }

    /// A configuration error located at `path`.
    public func error(_ path: String, _ message: String) -> PipelineError {
        .config(file: file, line: line(of: path), path: path, message: message)
    }

    private static func convert(_ node: Node, path: String, lines: inout [String: Int], file: String) throws -> JSONValue {
        if let mark = node.mark { lines[path] = mark.line }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if node.null != nil { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(i) }
            if let d = node.float { return .double(d) }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.enumerated().map { i, child in
                try convert(child, path: "\(path)[\(i)]", lines: &lines, file: file)
            })
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string else {
                    throw PipelineError.config(file: file, line: keyNode.mark?.line, path: path, message: "keys must be strings")
                }
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if object[key] != nil {
                    throw PipelineError.config(file: file, line: keyNode.mark?.line, path: childPath, message: "duplicate key")
                }
                object[key] = try convert(valueNode, path: childPath, lines: &lines, file: file)
                if let mark = keyNode.mark { lines[childPath] = mark.line }
            }
            return .object(object)
        case .alias:
            throw PipelineError.config(file: file, line: node.mark?.line, path: path, message: "YAML aliases are not supported")
        }
    }
}

/// Reads typed fields out of one mapping of a `ConfigDocument`, refusing unknown keys.
public struct ConfigObject: Sendable {
    public let document: ConfigDocument
    public let path: String
    public let object: [String: JSONValue]

    /// Wraps the mapping at `path`; anything else is an error naming its type.
    public init(_ document: ConfigDocument, path: String, value: JSONValue, allowed: [String]) throws {
        let errors = ConfigErrorCollector()
        try self.init(document, path: path, value: value, allowed: allowed, errors: errors)
        try errors.finish()
    }

    /// Wraps the mapping at `path`, recording each unknown key in `errors` instead of stopping.
    public init(_ document: ConfigDocument, path: String, value: JSONValue, allowed: [String],
                errors: ConfigErrorCollector) throws {
        self.document = document
        self.path = path
        guard case .object(let object) = value else {
            throw document.error(path, "expected a mapping, found \(value.typeName)")
        }
        self.object = object
        for key in object.keys.sorted() where !allowed.contains(key) {
            errors.record(document.error(sub(key), "unknown key '\(key)' (allowed here: \(allowed.joined(separator: ", ")))"))
        }
    }

    public func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The same mapping, refusing keys outside `keys` (a stage checking its own `params:`).
    public func restricted(to keys: [String]) throws -> ConfigObject {
        try ConfigObject(document, path: path, value: .object(object), allowed: keys)
    }

    public func string(_ key: String) throws -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard case .string(let s) = value else { throw document.error(sub(key), "expected a string, found \(value.typeName)") }
        return s
    }

    public func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw document.error(path, "missing required key '\(key)'") }
        return s
    }

    public func int(_ key: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let value = object[key], value != .null else { return nil }
        guard case .int(let i) = value else { throw document.error(sub(key), "expected an integer, found \(value.typeName)") }
        if let range, !range.contains(i) {
            throw document.error(sub(key), "\(i) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }

    public func double(_ key: String, range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let value = object[key], value != .null else { return nil }
        guard let d = value.double else { throw document.error(sub(key), "expected a number, found \(value.typeName)") }
        if let range, !range.contains(d) {
            throw document.error(sub(key), "\(d) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard case .bool(let b) = value else { throw document.error(sub(key), "expected true or false, found \(value.typeName)") }
        return b
    }

    public func array(_ key: String) throws -> [JSONValue]? {
        guard let value = object[key], value != .null else { return nil }
        guard case .array(let a) = value else { throw document.error(sub(key), "expected a list, found \(value.typeName)") }
        return a
    }

    public func child(_ key: String, allowed: [String]) throws -> ConfigObject? {
        guard let value = object[key], value != .null else { return nil }
        return try ConfigObject(document, path: sub(key), value: value, allowed: allowed)
    }
}
