import ArgumentParser
import BuiltinGeneration
import Decoder
import Foundation
import Generation
import Pipeline
import Stages
import Store
import Messages

/// Builds the model handle a pipeline's `model:` section asks for.
enum ModelHandleFactory {
    /// The handles a pipeline's model stages call: the pipeline's `model:` (when a stage uses it)
    /// and each stage's own `model:` (a stage whose settings equal the pipeline's shares its handle).
    static func makeSet(_ config: PipelineConfig, outputDirectory: String) throws -> ModelSet {
        var set = ModelSet(encoder: encoderHandle())
        if StageRegistry.needsModel(config) {
            set.pipeline = try make(config.model, outputDirectory: outputDirectory, pipelineDirectory: config.directory)
        }
        for stage in config.stages {
            guard let settings = stage.model else { continue }
            set.byStage[stage.name] = settings == config.model && set.pipeline != nil
                ? set.pipeline : try make(settings, outputDirectory: outputDirectory, pipelineDirectory: config.directory)
        }
        return set
    }

    /// The built-in sentence encoder from its default folder (`EncoderLocator`), loaded when a
    /// stage first asks for it; turned off by `LWDATA_ENCODER=none`.
    static func encoderHandle() -> EncoderHandle {
        guard let directory = EncoderLocator.defaultDirectory() else { return .none }
        return EncoderHandle(identity: SentenceEncoder.identity(ofDirectory: directory)) {
            guard let found = try EncoderLocator.existingDirectory(directory) else { return nil }
            return try SentenceEncoder(directory: found)
        }
    }

    /// The identities `makeSet` would give, without loading any model: the pipeline's (nil when no
    /// stage uses it) and each stage's own.
    static func identities(_ config: PipelineConfig) throws -> (pipeline: String?, byStage: [String: String]) {
        let pipeline = StageRegistry.needsModel(config) ? try identity(config.model, pipelineDirectory: config.directory) : nil
        var byStage: [String: String] = [:]
        for stage in config.stages {
            if let settings = stage.model { byStage[stage.name] = try identity(settings, pipelineDirectory: config.directory) }
        }
        return (pipeline, byStage)
    }

    static func make(_ settings: ModelSettings, outputDirectory: String, pipelineDirectory: String) throws -> ModelHandle {
        var handle = try makeHandle(settings, outputDirectory: outputDirectory, pipelineDirectory: pipelineDirectory)
        if settings.pricePerMillionInput != nil || settings.pricePerMillionOutput != nil {
            handle.prices = (settings.pricePerMillionInput ?? 0, settings.pricePerMillionOutput ?? 0)
        }
        return handle
    }

    private static func makeHandle(_ settings: ModelSettings, outputDirectory: String, pipelineDirectory: String) throws -> ModelHandle {
        let meter = UsageMeter()
        switch settings.backend {
        case .openai:
            guard let config = settings.openai else { throw ValidationError("model.backend openai needs base_url and name") }
            let identity = try identity(settings, pipelineDirectory: pipelineDirectory)
            var generator: TextGenerator = try OpenAIBackend(config: config)
            if settings.requestCache { generator = CachingGenerator(inner: generator, cache: try RequestCache(directory: outputDirectory), identity: identity) }
            return ModelHandle(identity: identity, backendName: "openai", generator: generator,
                               contextTokens: settings.contextTokens ?? 32_768, countTokens: ModelHandle.estimateTokens,
                               enforcesFormat: false, meter: meter)
        case .builtin:
            let path = try resolveModelPath(settings.path, pipelineDirectory: pipelineDirectory)
            let identity = try identity(settings, pipelineDirectory: pipelineDirectory)
            let backend = try BuiltinBackend(modelPath: path, maxContext: settings.contextTokens, chatTemplate: settings.chatTemplate)
            var generator: TextGenerator = backend
            if settings.requestCache { generator = CachingGenerator(inner: generator, cache: try RequestCache(directory: outputDirectory), identity: identity) }
            return ModelHandle(identity: identity, backendName: "builtin", generator: generator,
                               contextTokens: backend.contextTokens, countTokens: backend.countTokens,
                               enforcesFormat: true, meter: meter)
        }
    }

    /// The identity of the backend and model `settings` name, part of every model stage's cache
    /// key, worked out without loading the model (the built-in model's file is hashed).
    static func identity(_ settings: ModelSettings, pipelineDirectory: String) throws -> String {
        switch settings.backend {
        case .openai:
            guard let config = settings.openai else { throw ValidationError("model.backend openai needs base_url and name") }
            // Held-back ends and the fields added to every request change the answers, so they are part of
            // the identity (without them it keeps its old keys).
            return "openai:\(config.model)" + (config.minTokens == .field ? "" : " min_tokens=\(config.minTokens.rawValue)")
                + (config.extraBody.map { " extra_body=" + $0.text } ?? "")
        case .builtin:
            let path = try resolveModelPath(settings.path, pipelineDirectory: pipelineDirectory)
            return "builtin:\(URL(fileURLWithPath: path).lastPathComponent)#\(try FileSystem.sha256(ofFile: path).prefix(16))"
        }
    }

    /// `--model`/`LWDATA_MODEL`/the pipeline's `path`/the installed default, in that order of precedence.
    static func resolveModelPath(_ configured: String?, pipelineDirectory: String, override: String? = nil) throws -> String {
        if let override { return try ModelLocator.existingModelPath(override) }
        if let env = ProcessInfo.processInfo.environment["LWDATA_MODEL"], !env.isEmpty { return try ModelLocator.existingModelPath(env) }
        if let configured {
            let expanded = (configured as NSString).expandingTildeInPath
            return try ModelLocator.existingModelPath(expanded.hasPrefix("/") ? expanded : pipelineDirectory + "/" + expanded)
        }
        return try ModelLocator.existingModelPath()
    }
}
