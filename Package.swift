// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lwdata",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lwdata", targets: ["lwdata"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        // Quantized int8 matrix kernels (AVX-512 VNNI / AVX2 chosen at run time) and the thread pool.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])], linkerSettings: [.linkedLibrary("pthread")]),
        // The vocabulary every layer shares (chat messages, generation requests and answers): no dependencies.
        .target(name: "Messages"),
        .target(name: "Decoder", dependencies: ["Messages", "CBLAS", "CKernels"],
                // Optimised even in debug builds: the tests run the real model, which is tens of
                // times slower unoptimised. Only this target pays the longer compile.
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug)),
                                .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]),
        .target(name: "Generation", dependencies: [
            "Messages", "Digest", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
        ]),
        // The built-in decoder as a `TextGenerator`: the only bridge from Generation to Decoder.
        .target(name: "BuiltinGeneration", dependencies: ["Decoder", "Generation", "Messages"]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        // SHA-256 and the short content hashes built on it: one implementation for every layer.
        .target(name: "Digest", dependencies: ["CCrypto"]),
        .target(name: "Store", dependencies: ["CZstd", "Digest", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Pipeline", dependencies: [
            "Store", "Generation", "Messages", "Digest", "Yams", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Stages", dependencies: ["Pipeline", "Messages", "Digest", "CBLAS", "CKernels"]),
        // `lwdata bench`'s measurements (store, dedup, grammar, decode); the CLI only parses their options.
        .target(name: "Benchmarks", dependencies: ["Decoder", "Digest", "Messages", "Pipeline", "Stages", "Store"],
                // Optimised in debug builds too, as Decoder is: the bandwidth probe's loop measures the machine, not the compiler.
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .executableTarget(name: "lwdata", dependencies: [
            "Benchmarks", "Stages", "Pipeline", "Store", "Generation", "BuiltinGeneration", "Messages", "Digest", "Decoder",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Digest", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "DecoderTests", dependencies: ["Decoder", "Messages"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Stages", "Messages", "Digest", "TestSupport", "Decoder"]),
        .testTarget(name: "CLITests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "BuiltinGeneration", "Messages", "Decoder"]),
        .testTarget(name: "EncoderTests", dependencies: ["Decoder"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RelevanceTests", dependencies: ["Stages", "Pipeline", "Decoder", "BuiltinGeneration", "Generation", "Messages",
                                                           "TestSupport", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
