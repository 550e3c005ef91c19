import Foundation
import Metrics
import Prometheus
import RingfenceTestSupport
import Testing

@testable import RingfenceServer

@Suite("MetricsEndpoint: /metrics over HTTP")
struct MetricsEndpointTests {
    /// GET `path` from the endpoint; the status, content type and body.
    static func get(_ path: String, port: Int) async throws -> (status: Int, type: String?, body: String) {
        let response = try await TestHTTP.get("http://127.0.0.1:\(port)\(path)")
        return (response.status, response.contentType, response.body)
    }

    @Test("GET /metrics is the registry in Prometheus text format; other paths are 404; a stop ends it")
    func serves() async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ServerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        metrics.eventsStored.increment(by: 3)
        metrics.record(method: "Heartbeat", code: nil, elapsed: .milliseconds(2))
        let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, registry: registry)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await endpoint.run() }
            let port = try await endpoint.listeningPort
            let metricsPage = try await Self.get("/metrics", port: port)
            #expect(metricsPage.status == 200)
            #expect(metricsPage.type == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metricsPage.body.contains("ringfence_events_stored_total 3"))
            #expect(metricsPage.body.contains(#"ringfence_rpc_requests_total{method="Heartbeat",code="ok"} 1"#))
            let withQuery = try await Self.get("/metrics?format=text", port: port)
            #expect(withQuery.status == 200)
            let other = try await Self.get("/other", port: port)
            #expect(other.status == 404)
            #expect(other.body == "not found: try /metrics\n")
            group.cancelAll()
        }
    }
}
