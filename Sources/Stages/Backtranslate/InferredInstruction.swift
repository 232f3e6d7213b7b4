/// One constraint of a backtranslated instruction: what the text's author had to respect.
public struct Constraint: Sendable, Equatable {
    /// `style`: tone, voice, structure, form; `content`: what the text covers.
    public enum Kind: String, Sendable, CaseIterable, Encodable {
        case style, content
    }

    public var kind: Kind
    public var text: String

    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }
}

/// The instruction a writer could have followed to produce a text: a main instruction and an
/// ordered list of constraints (Suri's instruction backtranslation).
public struct InferredInstruction: Sendable, Equatable {
    public var instruction: String
    public var constraints: [Constraint]

    public init(instruction: String, constraints: [Constraint]) {
        self.instruction = instruction
        self.constraints = constraints
    }
}
