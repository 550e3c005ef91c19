import ArgumentParser
import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceServer
import Yams

/// Reads the `server:` section of the configuration file into an
/// `AgentServerConfiguration` (keys in docs/configuration.md). Unknown keys are errors.
enum ServerSection {
    static let keys = ["listen", "metrics", "tls", "maxMessageBytes", "rateLimit", "enrollRateLimit", "keyLifetimeDays",
                       "rotationOverlapHours", "cacheSeconds", "heartbeatSeconds", "staleAfterHours", "eventBatchSize", "agents"]
    static let agentKeys = "hookExecutable, cacheDirectory, failClosed, managedHooksOnly, hookTimeoutSeconds"

    static func parse(_ node: Node, file: String) throws -> AgentServerConfiguration {
        var configuration = AgentServerConfiguration()
        guard let mapping = node.mapping else { throw ValidationError("\(file): server: expected keys \(keys.joined(separator: ", "))") }
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? "?"
            let path = "server.\(key)"
            switch key {
            case "listen":
                (configuration.host, configuration.port) = try address(try string(value, path), key: path)
            case "metrics":
                let text = try string(value, path)
                if text == "off" {
                    configuration.metricsPort = nil
                } else {
                    let (host, port) = try address(text, key: path)
                    (configuration.metricsHost, configuration.metricsPort) = (host, port)
                }
            case "tls":
                for (tlsKey, tlsValue) in try keyed(value, path, file: file, allowed: "certificateFile, keyFile") {
                    switch tlsKey.scalar?.string {
                    case "certificateFile": configuration.tlsCertificateFile = try string(tlsValue, "server.tls.certificateFile")
                    case "keyFile": configuration.tlsKeyFile = try string(tlsValue, "server.tls.keyFile")
                    default: throw ValidationError("\(file): server.tls: unknown key '\(tlsKey.scalar?.string ?? "?")' (allowed: certificateFile, keyFile)")
                    }
                }
            case "maxMessageBytes": configuration.maxMessageBytes = try int(value, path)
            case "rateLimit", "enrollRateLimit":
                var perSecond = key == "rateLimit" ? configuration.rateLimitPerSecond : configuration.enrollPerSecond
                var burst = key == "rateLimit" ? configuration.rateLimitBurst : configuration.enrollBurst
                for (limitKey, limitValue) in try keyed(value, path, file: file, allowed: "perSecond, burst") {
                    switch limitKey.scalar?.string {
                    case "perSecond": perSecond = try number(limitValue, "\(path).perSecond")
                    case "burst": burst = try number(limitValue, "\(path).burst")
                    default: throw ValidationError("\(file): \(path): unknown key '\(limitKey.scalar?.string ?? "?")' (allowed: perSecond, burst)")
                    }
                }
                if key == "rateLimit" {
                    (configuration.rateLimitPerSecond, configuration.rateLimitBurst) = (perSecond, burst)
                } else {
                    (configuration.enrollPerSecond, configuration.enrollBurst) = (perSecond, burst)
                }
            case "keyLifetimeDays": configuration.keyLifetime = try number(value, path) * 86_400
            case "rotationOverlapHours": configuration.rotationOverlap = try number(value, path) * 3_600
            case "cacheSeconds": configuration.cacheSeconds = try number(value, path)
            case "heartbeatSeconds": configuration.heartbeatSeconds = try int(value, path)
            case "staleAfterHours": configuration.staleAfter = try number(value, path) * 3_600
            case "eventBatchSize": configuration.eventBatchSize = try int(value, path)
            case "agents": configuration.adapters = try adapters(value, file: file)
            default:
                throw ValidationError("\(file): server: unknown key '\(key)' (allowed: \(keys.joined(separator: ", ")))")
            }
        }
        return configuration
    }

    /// `server.agents`: how the native files rendered for agents call the hook.
    static func adapters(_ node: Node, file: String) throws -> AdapterOptions {
        var options = AdapterOptions()
        for (key, value) in try keyed(node, "server.agents", file: file, allowed: agentKeys) {
            let path = "server.agents.\(key.scalar?.string ?? "?")"
            switch key.scalar?.string {
            case "hookExecutable": options.hookExecutable = try string(value, path)
            case "cacheDirectory": options.cacheDirectory = try string(value, path)
            case "failClosed":
                guard let items = value.sequence else { throw ValidationError("\(path): expected a list of surfaces") }
                options.failClosed = Set(try items.map { item in
                    let name = try string(item, path)
                    guard let surface = Surface(rawValue: name) else { throw ValidationError("\(path): '\(name)' is not a surface name") }
                    return surface
                })
            case "managedHooksOnly":
                guard let flag = value.scalar.flatMap({ Bool($0.string) }) else { throw ValidationError("\(path): expected true or false") }
                options.managedHooksOnly = flag
            case "hookTimeoutSeconds": options.hookTimeoutSeconds = try int(value, path)
            default: throw ValidationError("\(file): server.agents: unknown key '\(key.scalar?.string ?? "?")' (allowed: \(agentKeys))")
            }
        }
        return options
    }

    /// `host:port` (IPv6 as `[::1]:port`).
    static func address(_ text: String, key: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ValidationError("\(key): expected host:port, got '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(key): expected host:port, got '\(text)'") }
        return (host, port)
    }

    private static func keyed(_ node: Node, _ path: String, file: String, allowed: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw ValidationError("\(file): \(path): expected keys \(allowed)") }
        return mapping
    }

    private static func string(_ node: Node, _ path: String) throws -> String {
        guard let value = node.scalar?.string, !value.isEmpty else { throw ValidationError("\(path): expected a text value") }
        return value
    }

    private static func int(_ node: Node, _ path: String) throws -> Int {
        guard let value = node.scalar.flatMap({ Int($0.string) }) else { throw ValidationError("\(path): expected a whole number") }
        return value
    }

    private static func number(_ node: Node, _ path: String) throws -> Double {
        guard let value = node.scalar.flatMap({ Double($0.string) }) else { throw ValidationError("\(path): expected a number") }
        return value
    }
}
