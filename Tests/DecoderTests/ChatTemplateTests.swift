import Foundation
import Testing
@testable import Decoder
import Messages

@Suite("Chat templates")
struct ChatTemplateTests {
    @Test("renders exactly what transformers' apply_chat_template renders, for both kinds")
    func matchesTransformers() throws {
        let fixture = try TokenizerTestSupport.fixture("tokenizer_chat_smollm", as: TokenizerTestSupport.ChatFixture.self)
        let chatml = try ChatTemplate(source: fixture.chatml_template, override: nil)
        let llama3 = try ChatTemplate(source: fixture.llama3_template, override: nil)
        #expect(chatml.kind == .chatml && llama3.kind == .llama3)
        #expect(fixture.cases.count >= 20)
        for entry in fixture.cases {
            let template = entry.template == "chatml" ? chatml : llama3
            #expect(template.render(entry.messages, addGenerationPrompt: entry.add_generation_prompt) == entry.rendered,
                    "\(entry.template) \(entry.messages)")
        }
    }

    @Test("the default model's template is ChatML with SmolLM2's default system message")
    func readsModelTemplate() throws {
        let file = try #require(TestModel.file)
        let template = try ChatTemplate(gguf: file, override: nil)
        #expect(template.kind == .chatml)
        #expect(template.defaultSystemPrompt == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        #expect(template.stopStrings.first == "<|im_end|>")
        let overridden = try ChatTemplate(gguf: file, override: "llama3")
        #expect(overridden == ChatTemplate(kind: .llama3))
        #expect(overridden.stopStrings.first == "<|eot_id|>")
        #expect(throws: ChatTemplateError.inModelFile(path: file.path, .unknownOverride(name: "vicuna"))) {
            try ChatTemplate(gguf: file, override: "vicuna")
        }
    }

    @Test("a rendered prompt tokenizes with its markers as single special tokens")
    func promptTokenizes() throws {
        let tokenizer = try TokenizerTestSupport.smolLM()
        let template = try ChatTemplate(gguf: try #require(TestModel.file), override: nil)
        let prompt = template.render([ChatMessage(role: "user", content: "Hi")], addGenerationPrompt: true)
        let ids = tokenizer.encode(prompt)
        #expect(ids.filter { $0 == tokenizer.id(of: "<|im_start|>") }.count == 3)
        #expect(tokenizer.decode(ids) == prompt)
    }

    @Test("an unknown template or a missing one is an error unless a kind is named")
    func unrecognised() throws {
        let mistral = "{{ bos_token }}{% for message in messages %}[INST] {{ message['content'] }} [/INST]{% endfor %}"
        #expect(throws: ChatTemplateError.unrecognized(excerpt: String(mistral.prefix(120)))) {
            try ChatTemplate(source: mistral, override: nil)
        }
        #expect(throws: ChatTemplateError.missing) { try ChatTemplate(source: nil, override: nil) }
        #expect(try ChatTemplate(source: mistral, override: "ChatML") == ChatTemplate(kind: .chatml))
        #expect(try ChatTemplate(source: nil, override: "llama3") == ChatTemplate(kind: .llama3))
    }

    @Test("only a literal system message is taken as the default, not template code")
    func defaultSystemPromptExtraction() {
        let qwen = "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}{%- endif %}"
        #expect(ChatTemplate.chatMLDefaultSystemPrompt(in: qwen) == "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")
        let plain = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
        #expect(ChatTemplate.chatMLDefaultSystemPrompt(in: plain) == nil)
    }

    @Test("messages round-trip through JSON")
    func messageCodable() throws {
        let message = ChatMessage(role: "user", content: "Write 5,000 words.\n")
        let data = try JSONEncoder().encode(message)
        #expect(try JSONDecoder().decode(ChatMessage.self, from: data) == message)
    }
}
