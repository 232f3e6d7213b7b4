/// One metadata value of a GGUF file, in the type the file stored it with.
///
/// The accessors convert between compatible representations so callers can ask for
/// "an integer" without caring whether the writer chose `uint32` or `int64`.
public indirect enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case uint64(UInt64)
    case int64(Int64)
    case float32(Float)
    case float64(Double)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])

    /// The value as an `Int` when it is an integer that fits, else `nil`.
    public var int: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// The value as a `Double` when it is any number (float or integer), else `nil`.
    public var double: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return int.map(Double.init)
        }
    }

    /// The value when it is a boolean, else `nil`.
    public var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    /// The value when it is a string, else `nil`.
    public var string: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    /// The elements when this is an array whose every element is a string, else `nil`.
    public var stringArray: [String]? {
        guard case .array(let elements) = self else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let s) = element else { return nil }
            strings.append(s)
        }
        return strings
    }

    /// The elements when this is an array whose every element is an integer that fits `Int`, else `nil`.
    public var intArray: [Int]? {
        guard case .array(let elements) = self else { return nil }
        var ints: [Int] = []
        ints.reserveCapacity(elements.count)
        for element in elements {
            guard let v = element.int else { return nil }
            ints.append(v)
        }
        return ints
    }
}
