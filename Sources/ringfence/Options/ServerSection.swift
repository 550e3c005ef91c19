import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceFiles
import RingfenceServer
import Yams

/// Reads the `server:` section of the configuration file into an
/// `AgentServerConfiguration` (keys in docs/configuration.md), with the strict reader:
/// unknown keys, wrong types and values that cannot work are located problems.
enum ServerSection {
    static let keys = [
        "listen", "metrics", "tls", "maxMessageBytes", "rateLimit", "enrollRateLimit", "keyLifetimeDays",
        "rotationOverlapHours", "cacheSeconds", "heartbeatSeconds", "staleAfterHours", "eventBatchSize", "agents",
        "jobLeaseSeconds", "connections", "shutdownGraceSeconds",
    ]

    static func read(_ value: YAMLValue?, document: ConfigurationDocument) -> AgentServerConfiguration {
        var configuration = AgentServerConfiguration()
        if let value, let fields = value.mapping(allowed: keys) {
            if let address = fields["listen"]?.hostPort() { (configuration.host, configuration.port) = address }
            if let metrics = fields["metrics"] {
                if metrics.node.scalar?.string == "off" {
                    configuration.metricsPort = nil
                } else if let address = metrics.hostPort() {
                    (configuration.metricsHost, configuration.metricsPort) = (address.host, address.port)
                }
            }
            if let tls = fields["tls"]?.mapping(allowed: ["certificateFile", "keyFile"]) {
                configuration.tlsCertificateFile = tls["certificateFile"]?.nonEmptyString()
                configuration.tlsKeyFile = tls["keyFile"]?.nonEmptyString()
            }
            if let bytes = fields["maxMessageBytes"]?.int() { configuration.maxMessageBytes = bytes }
            if let limit = fields["rateLimit"].flatMap(rate) {
                configuration.rateLimitPerSecond = limit.perSecond ?? configuration.rateLimitPerSecond
                configuration.rateLimitBurst = limit.burst ?? configuration.rateLimitBurst
            }
            if let limit = fields["enrollRateLimit"].flatMap(rate) {
                configuration.enrollPerSecond = limit.perSecond ?? configuration.enrollPerSecond
                configuration.enrollBurst = limit.burst ?? configuration.enrollBurst
            }
            if let days = fields["keyLifetimeDays"]?.double() { configuration.keyLifetime = days * 86_400 }
            if let hours = fields["rotationOverlapHours"]?.double() { configuration.rotationOverlap = hours * 3_600 }
            if let seconds = fields["cacheSeconds"]?.double() { configuration.cacheSeconds = seconds }
            if let seconds = fields["heartbeatSeconds"]?.int() { configuration.heartbeatSeconds = seconds }
            if let hours = fields["staleAfterHours"]?.double() { configuration.staleAfter = hours * 3_600 }
            if let size = fields["eventBatchSize"]?.int() { configuration.eventBatchSize = size }
            if let seconds = fields["jobLeaseSeconds"]?.double() { configuration.jobLeaseSeconds = seconds }
            if let seconds = fields["shutdownGraceSeconds"]?.double() { configuration.shutdownGraceSeconds = seconds }
            if let agents = fields["agents"] { configuration.adapters = adapters(agents) }
            if let connections = fields["connections"]?.mapping(allowed: [
                "max", "perAddress", "handshakeSeconds", "idleSeconds",
            ]) {
                if let count = connections["max"]?.int() { configuration.maxConnections = count }
                if let count = connections["perAddress"]?.int() { configuration.maxConnectionsPerAddress = count }
                if let seconds = connections["handshakeSeconds"]?.double() { configuration.handshakeSeconds = seconds }
                if let seconds = connections["idleSeconds"]?.double() { configuration.idleSeconds = seconds }
            }
        }
        for problem in configuration.problems() { document.fail(problem.key, problem.message) }
        return configuration
    }

    /// `rateLimit` / `enrollRateLimit`: `perSecond` and `burst`.
    static func rate(_ value: YAMLValue) -> (perSecond: Double?, burst: Double?)? {
        guard let fields = value.mapping(allowed: ["perSecond", "burst"]) else { return nil }
        return (fields["perSecond"]?.double(), fields["burst"]?.double())
    }

    /// `server.agents`: how the native files rendered for agents call the hook.
    static func adapters(_ value: YAMLValue) -> AdapterOptions {
        var options = AdapterOptions()
        guard
            let fields = value.mapping(allowed: [
                "hookExecutable", "cacheDirectory", "failClosed", "managedHooksOnly", "hookTimeoutSeconds",
                "disableBypassModes",
            ])
        else { return options }
        if let path = fields["hookExecutable"]?.nonEmptyString() { options.hookExecutable = path }
        if let path = fields["cacheDirectory"]?.nonEmptyString() { options.cacheDirectory = path }
        if let surfaces = fields["failClosed"] { options.failClosed = Set(surfaces.list { $0.surface() }) }
        if let flag = fields["managedHooksOnly"]?.bool() { options.managedHooksOnly = flag }
        if let seconds = fields["hookTimeoutSeconds"]?.int() { options.hookTimeoutSeconds = seconds }
        if let flag = fields["disableBypassModes"]?.bool() { options.disableBypassModes = flag }
        return options
    }
}
