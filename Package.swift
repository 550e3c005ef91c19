// swift-tools-version:6.1
// Ringfence — rollout control for AI coding agents. See docs/architecture.md.
import PackageDescription

let strictSwift6: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Ringfence",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ringfence", targets: ["ringfence"]),
        .executable(name: "ringfence-hook", targets: ["ringfence-hook"]),
        .library(name: "RingfenceCore", targets: ["RingfenceCore"]),
        .library(name: "RingfenceFiles", targets: ["RingfenceFiles"]),
        .library(name: "RingfenceProto", targets: ["RingfenceProto"]),
        .library(name: "RingfenceStore", targets: ["RingfenceStore"]),
        .library(name: "RingfenceDirectory", targets: ["RingfenceDirectory"]),
        .library(name: "RingfenceServer", targets: ["RingfenceServer"]),
        .library(name: "RingfenceReports", targets: ["RingfenceReports"]),
        .library(name: "RingfenceAdapters", targets: ["RingfenceAdapters"]),
        .library(name: "RingfenceWorkstation", targets: ["RingfenceWorkstation"]),
        .library(name: "RingfenceAgent", targets: ["RingfenceAgent"]),
        .library(name: "RingfenceSCIM", targets: ["RingfenceSCIM"]),
        .library(name: "RingfenceHTTP", targets: ["RingfenceHTTP"]),
        .library(name: "RingfenceExport", targets: ["RingfenceExport"]),
        .library(name: "RingfenceAdminAPI", targets: ["RingfenceAdminAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // Domain types, selectors, the pure resolver. No I/O, no clock, no YAML.
        .target(
            name: "RingfenceCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: strictSwift6
        ),
        // Ringfence's own files, read strictly with file:line errors: policy directories and
        // the configuration file (the one YAML reader).
        .target(
            name: "RingfenceFiles",
            dependencies: [
                "RingfenceCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift6
        ),
        // Native agent configuration, hook answers and drift, from a resolved policy. No I/O.
        .target(
            name: "RingfenceAdapters",
            dependencies: [
                "RingfenceCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        // SCIM 2.0 (RFC 7643/7644) without I/O: resources, filters, PATCH, errors, discovery.
        .target(
            name: "RingfenceSCIM",
            dependencies: ["RingfenceCore"],
            swiftSettings: strictSwift6
        ),
        // The admin API's types, server protocol and client, generated from openapi/admin.yaml by
        // scripts/generate-openapi and committed (as the protobuf code is).
        .target(
            name: "RingfenceAdminAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strictSwift6
        ),
        // The HTTP listeners of `serve` (Hummingbird 2): the SCIM 2.0 service provider and
        // the admin API.
        .target(
            name: "RingfenceHTTP",
            dependencies: [
                "RingfenceCore", "RingfenceSCIM", "RingfenceStore", "RingfenceServer", "RingfenceAdminAPI",
                "RingfenceFiles",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        // The workstation side: the cache directory, the event queue, the hook as a process.
        .target(
            name: "RingfenceWorkstation",
            dependencies: ["RingfenceAdapters", "RingfenceCore"],
            swiftSettings: strictSwift6
        ),
        // The workstation agent: the client side of the agent protocol (enrol, heartbeat
        // with inventory, fetch, send, rotate, watch) and `workstation run`'s schedule.
        .target(
            name: "RingfenceAgent",
            dependencies: [
                "RingfenceAdapters", "RingfenceCore", "RingfenceProto", "RingfenceWorkstation",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strictSwift6
        ),
        // The agent hook as a small executable (same as `ringfence hook`, starts faster).
        .executableTarget(
            name: "ringfence-hook",
            dependencies: ["RingfenceWorkstation"],
            swiftSettings: strictSwift6
        ),
        // Generated protobuf + gRPC code and the mapping to Core types.
        .target(
            name: "RingfenceProto",
            dependencies: [
                "RingfenceCore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            exclude: ["README.md"],
            swiftSettings: strictSwift6
        ),
        // PostgreSQL: migrations, repositories, snapshots, ingestion.
        .target(
            name: "RingfenceStore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                "RingfenceCore", "RingfenceSCIM",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: strictSwift6
        ),
        // OpenLDAP libldap, from Debian's libldap2-dev.
        .systemLibrary(
            name: "CLDAP",
            pkgConfig: "ldap",
            providers: [.apt(["libldap2-dev"])]
        ),
        // LDAP client and the directory sync engine.
        .target(
            name: "RingfenceDirectory",
            dependencies: [
                "RingfenceCore",
                "RingfenceFiles",
                "RingfenceStore",
                "CLDAP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // gRPC services, authentication, limits, snapshot cache.
        .target(
            name: "RingfenceServer",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                "RingfenceCore",
                "RingfenceAdapters",
                "RingfenceProto",
                "RingfenceStore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        // Audit events pushed to security tools (OTLP logs, Splunk HEC, OCSF), at least once,
        // from a cursor kept in PostgreSQL.
        .target(
            name: "RingfenceExport",
            dependencies: [
                "RingfenceCore",
                "RingfenceStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // Weekly enforcement-impact reports.
        .target(
            name: "RingfenceReports",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "RingfenceCore",
                "RingfenceStore",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6
        ),
        // The command-line tool: serve, migrate, sync, resolve, explain, ...
        .executableTarget(
            name: "ringfence",
            dependencies: [
                "RingfenceSCIM",
                "RingfenceHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "RingfenceCore",
                "RingfenceFiles",
                "RingfenceAdapters",
                "RingfenceWorkstation",
                "RingfenceAgent",
                "RingfenceProto",
                "RingfenceStore",
                "RingfenceDirectory",
                "RingfenceServer",
                "RingfenceReports",
                "RingfenceExport",
                "RingfenceAdminAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift6
        ),
        // Shared helpers for tests: locating the throw-away servers started by scripts/.
        .target(
            name: "RingfenceTestSupport",
            dependencies: [
                .product(name: "PropertyBased", package: "swift-property-based"),
                "RingfenceStore",
                "RingfenceProto",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/RingfenceTestSupport",
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceCoreTests",
            dependencies: [
                "RingfenceTestSupport",
                "RingfenceCore",
                "RingfenceFiles",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceFilesTests",
            dependencies: [
                "RingfenceFiles",
                "RingfenceCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceAdaptersTests",
            dependencies: [
                "RingfenceTestSupport",
                "RingfenceFiles",
                "RingfenceAdapters", "RingfenceCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceHTTPTests",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                "RingfenceHTTP", "RingfenceSCIM", "RingfenceStore", "RingfenceServer", "RingfenceCore",
                "RingfenceTestSupport", "RingfenceDirectory", "RingfenceFiles", "RingfenceReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceExportTests",
            dependencies: [
                "RingfenceExport", "RingfenceCore", "RingfenceStore", "RingfenceTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceSCIMTests",
            dependencies: [
                "RingfenceSCIM", "RingfenceCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceAgentTests",
            dependencies: [
                "RingfenceCore",
                "RingfenceProto",
                "RingfenceAdapters",
                "RingfenceWorkstation", "RingfenceAgent", "RingfenceTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceWorkstationTests",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "RingfenceTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
                "RingfenceWorkstation", "RingfenceAdapters", "RingfenceCore",
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceProtoTests",
            dependencies: [
                "RingfenceProto", "RingfenceCore", "RingfenceTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceStoreTests",
            dependencies: [
                "RingfenceSCIM",
                .product(name: "Logging", package: "swift-log"),
                "RingfenceCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                "RingfenceStore", "RingfenceTestSupport",
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceDirectoryTests",
            dependencies: [
                "RingfenceSCIM",
                "RingfenceCore",
                "RingfenceFiles",
                "RingfenceStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "RingfenceDirectory", "RingfenceTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceServerTests",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "RingfenceAdapters",
                "RingfenceCore",
                "RingfenceProto",
                "RingfenceStore",
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                "RingfenceFiles",
                "RingfenceServer", "RingfenceTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "RingfenceReportsTests",
            dependencies: [
                "RingfenceCore",
                "RingfenceStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "RingfenceFiles", "RingfenceReports", "RingfenceTestSupport",
            ],
            swiftSettings: strictSwift6
        ),
        .testTarget(
            name: "ringfenceTests",
            dependencies: [
                "RingfenceSCIM",
                "RingfenceHTTP",
                "RingfenceExport",
                "RingfenceCore",
                "RingfenceDirectory",
                "RingfenceProto",
                "RingfenceReports",
                "RingfenceServer",
                "RingfenceStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "RingfenceFiles",
                "ringfence", "RingfenceTestSupport", "RingfenceAdapters", "RingfenceWorkstation",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: strictSwift6
        ),
    ]
)
