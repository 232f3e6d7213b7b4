import ArgumentParser
import Benchmarks

/// `lwdata bench grammar`: decode speed of the built-in decoder with and without the plan's
/// The measurement itself is `GrammarBenchmark`.
struct GrammarBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grammar",
        abstract: "Decode tokens/s with and without the plan JSON-schema grammar, and the plans written under it.",
        discussion: """
            The grammar is ResponseFormat.agentWritePlan with the bounds the plan stage uses for \
            the requested length (paragraphs, main points of at most 160 characters, 200-1000 words \
            each). A first constrained run (not counted) builds the grammar's first states; \
            its speed is reported as "cold".
            """)

    @Option(name: .long, help: "GGUF model (default: LWDATA_MODEL, then the installed default model).")
    var model: String?

    @Option(help: "Plan prompt template (slots {{instruction}} and {{words}}).")
    var prompt = "pipelines/prompts/plan_json.txt"

    @Option(help: "Required length in words the plans are asked for.")
    var words = 4000

    @Option(help: "Seeds per instruction (1, 2, …).")
    var seeds = 3

    @Option(help: "Most tokens of a constrained plan.")
    var maxTokens = 800

    @Option(help: "Sampling temperature (the plan stage's default).")
    var temperature: Float = 0.7

    @Option(help: "Write the figures and plans as JSON to this file.")
    var json: String?

    func validate() throws {
        try BenchCommand.checked { try benchmark.validate() }
    }

    func run() async throws {
        try BenchCommand.checked { try benchmark.run(console: BenchCommand.console) }
    }

    private var benchmark: GrammarBenchmark {
        var benchmark = GrammarBenchmark()
        benchmark.model = model
        benchmark.prompt = prompt
        benchmark.words = words
        benchmark.seeds = seeds
        benchmark.maxTokens = maxTokens
        benchmark.temperature = temperature
        benchmark.json = json
        return benchmark
    }
}
