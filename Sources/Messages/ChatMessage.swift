/// One turn of a conversation: who speaks (`system`, `user`, `assistant`, ...) and what they say.
public struct ChatMessage: Sendable, Codable, Equatable, Hashable {
    /// The speaker's role, written into the prompt as is.
    public var role: String
    /// The message text.
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}
