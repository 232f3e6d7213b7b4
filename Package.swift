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
        .target(name: "Decoder", dependencies: ["CBLAS", "CKernels"],
                // Optimised even in debug builds: the tests run the real model, which is tens of
                // times slower unoptimised. Only this target pays the longer compile.
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug)),
                                .unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]),
        .target(name: "Generation", dependencies: [
            "Decoder", "CCrypto", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
        ]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        .target(name: "Store", dependencies: ["CZstd", "CCrypto", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Pipeline", dependencies: [
            "Store", "Generation", "Yams", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Stages", dependencies: ["Pipeline"]),
        .executableTarget(name: "lwdata", dependencies: [
            "Stages", "Pipeline", "Store", "Generation", "Decoder",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "DecoderTests", dependencies: ["Decoder"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Stages", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Decoder"]),
        .testTarget(name: "EncoderTests", dependencies: ["Decoder"], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
