import RingfenceServer
import Testing

@testable import ringfence

@Suite("ServerSection")
struct ServerSectionTests {
    @Test("every key is read into the server configuration")
    func allKeys() throws {
        let file = try ConfigurationFile.parse(
            """
            server:
              listen: "[::1]:8443"
              metrics: 127.0.0.1:9999
              maxMessageBytes: 2097152
              rateLimit: { perSecond: 50, burst: 200 }
              enrollRateLimit: { perSecond: 1, burst: 5 }
              keyLifetimeDays: 30
              rotationOverlapHours: 12
              cacheSeconds: 2
              heartbeatSeconds: 60
              staleAfterHours: 48
              eventBatchSize: 500
              jobLeaseSeconds: 9
              shutdownGraceSeconds: 45
              connections: { max: 5000, perAddress: 50, handshakeSeconds: 2.5, idleSeconds: 120 }
            """, file: "f", environment: [:])
        let server = file.server
        #expect(server.host == "::1" && server.port == 8443)
        #expect(server.metricsHost == "127.0.0.1" && server.metricsPort == 9999)
        #expect(server.maxMessageBytes == 2_097_152)
        #expect(server.rateLimitPerSecond == 50 && server.rateLimitBurst == 200)
        #expect(server.enrollPerSecond == 1 && server.enrollBurst == 5)
        #expect(server.keyLifetime == 30 * 86_400)
        #expect(server.rotationOverlap == 12 * 3_600)
        #expect(server.cacheSeconds == 2)
        #expect(server.heartbeatSeconds == 60)
        #expect(server.staleAfter == 48 * 3_600)
        #expect(server.eventBatchSize == 500)
        #expect(server.jobLeaseSeconds == 9)
        #expect(server.shutdownGraceSeconds == 45)
        #expect(server.maxConnections == 5_000 && server.maxConnectionsPerAddress == 50)
        #expect(server.handshakeSeconds == 2.5 && server.idleSeconds == 120)
    }

    @Test("the environment overrides the listen addresses; metrics can be turned off")
    func environment() throws {
        let file = try ConfigurationFile.parse(
            "server:\n  listen: 127.0.0.1:1\n", file: "f",
            environment: [
                "RINGFENCE_LISTEN": "0.0.0.0:7000", "RINGFENCE_METRICS_LISTEN": "off",
            ])
        #expect(file.server.host == "0.0.0.0" && file.server.port == 7000)
        #expect(file.server.metricsPort == nil)
    }

    @Test(
        "bad values are refused with the key they belong to",
        arguments: [
            ("server:\n  listen: 7443\n", "server.listen"),
            ("server:\n  listen: 127.0.0.1:70000\n", "server.listen"),
            ("server:\n  lisen: 127.0.0.1:1\n", "unknown key 'lisen'"),
            ("server:\n  tls: yes\n", "server.tls"),
            ("server:\n  tls:\n    certificateFile: /c.pem\n", "both certificateFile and keyFile"),
            ("server:\n  tls:\n    cert: /c.pem\n", "unknown key 'cert'"),
            ("server:\n  rateLimit: 10\n", "server.rateLimit"),
            ("server:\n  rateLimit: { perSecond: 0 }\n", "server.rateLimit"),
            ("server:\n  maxMessageBytes: 10\n", "server.maxMessageBytes"),
            ("server:\n  eventBatchSize: many\n", "server.eventBatchSize"),
            ("server:\n  heartbeatSeconds: 0\n", "server.heartbeatSeconds"),
            ("server:\n  connections: { max: 0 }\n", "server.connections.max"),
            ("server:\n  connections: { max: 10, perAddress: 20 }\n", "at most connections.max (10)"),
            ("server:\n  connections: { handshakeSeconds: 0 }\n", "server.connections.handshakeSeconds"),
            ("server:\n  connections: { idleSeconds: 0 }\n", "server.connections.idleSeconds"),
            ("server:\n  connections: { perAdress: 5 }\n", "unknown key 'perAdress'"),
            ("server:\n  shutdownGraceSeconds: 0\n", "server.shutdownGraceSeconds"),
            ("server:\n  shutdownGraceSeconds: 7200\n", "server.shutdownGraceSeconds"),
        ])
    func refused(yaml: String, words: String) {
        expectConfigurationRefused(yaml, mentioning: words)
    }
}
