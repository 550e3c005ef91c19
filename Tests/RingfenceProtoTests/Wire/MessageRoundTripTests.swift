import Foundation
import RingfenceCore
import SwiftProtobuf
import Testing

@testable import RingfenceProto

/// Every message of `proto/ringfence/v1` must survive binary and JSON round trips with
/// every field set. The payloads are built from the protoc descriptor set (written by
/// scripts/generate-proto), not by hand, so a field the Swift code does not know shows up
/// as an unknown field and fails the test.
@Suite("Protocol messages round-trip")
struct MessageRoundTripTests {
    /// Every generated message type. A message added to the protos but not here fails
    /// `everyMessageIsListed`.
    static let messageTypes: [any SwiftProtobuf.Message.Type] = [
        Ringfence_V1_DecisionContext.self,
        Ringfence_V1_PolicyRule.self, Ringfence_V1_SurfacePolicy.self, Ringfence_V1_TraceEntry.self,
        Ringfence_V1_Resolution.self,
        Ringfence_V1_HostIdentity.self, Ringfence_V1_EnrollRequest.self, Ringfence_V1_EnrollResponse.self,
        Ringfence_V1_AgentInstall.self, Ringfence_V1_McpServer.self, Ringfence_V1_RepoSeen.self,
        Ringfence_V1_Inventory.self, Ringfence_V1_HeartbeatRequest.self, Ringfence_V1_HeartbeatResponse.self,
        Ringfence_V1_FetchPolicyRequest.self, Ringfence_V1_NativeConfigFile.self, Ringfence_V1_ManagedFile.self,
        Ringfence_V1_FetchPolicyResponse.self, Ringfence_V1_AuditEvent.self,
        Ringfence_V1_ReportEventsRequest.self, Ringfence_V1_RejectedEvent.self,
        Ringfence_V1_ReportEventsResponse.self, Ringfence_V1_RotateKeyRequest.self,
        Ringfence_V1_WatchPolicyRequest.self,
        Ringfence_V1_PolicyAnnouncement.self, Ringfence_V1_RepositoryFetch.self, Ringfence_V1_RepositoryPolicy.self,
        Ringfence_V1_RotateKeyResponse.self, Ringfence_V1_RequestExceptionRequest.self,
        Ringfence_V1_RequestExceptionResponse.self,
    ]

    static let descriptors: DescriptorIndex = {
        let url = Bundle.module.url(forResource: "Resources/ringfence-v1", withExtension: "protoset")!
        let set = try! Google_Protobuf_FileDescriptorSet(serializedBytes: try! Data(contentsOf: url))
        return DescriptorIndex(set)
    }()

    @Test("every message in the protos has a Swift type in the list")
    func everyMessageIsListed() {
        let listed = Set(Self.messageTypes.map { $0.protoMessageName })
        let declared = Set(Self.descriptors.messages.keys.filter { $0.hasPrefix("ringfence.v1.") })
        #expect(listed == declared)
    }

    @Test("binary and JSON round trips keep every field", arguments: messageTypes.map { MessageTypeBox($0) })
    func roundTrip(box: MessageTypeBox) throws {
        let type = box.type
        let payload = try Self.descriptors.fullyPopulatedPayload(for: type.protoMessageName)
        let decoded = try type.init(
            serializedBytes: payload, extensions: nil, partial: false, options: BinaryDecodingOptions())
        #expect(decoded.unknownFields.data.isEmpty, "Swift type misses fields of \(type.protoMessageName)")
        #expect(!decoded.isEqualTo(message: type.init()), "payload set no field")

        let binary: Data = try decoded.serializedBytes()
        let again = try type.init(
            serializedBytes: binary, extensions: nil, partial: false, options: BinaryDecodingOptions())
        #expect(again.isEqualTo(message: decoded))

        let json = try decoded.jsonUTF8Data()
        let fromJSON = try type.init(jsonUTF8Data: json)
        #expect(fromJSON.isEqualTo(message: decoded))
    }

    @Test("truncated payloads are rejected, not misread")
    func truncated() throws {
        let payload = try Self.descriptors.fullyPopulatedPayload(for: Ringfence_V1_FetchPolicyResponse.protoMessageName)
        #expect(throws: (any Error).self) {
            try Ringfence_V1_FetchPolicyResponse(serializedBytes: payload.dropLast(3))
        }
    }
}

/// Wraps a metatype so it can be a test argument.
struct MessageTypeBox: Sendable, CustomTestStringConvertible {
    let type: any SwiftProtobuf.Message.Type
    init(_ type: any SwiftProtobuf.Message.Type) { self.type = type }
    var testDescription: String { type.protoMessageName }
}

/// Builds wire-format payloads with every field of a message set, from descriptors.
struct DescriptorIndex: @unchecked Sendable {
    var messages: [String: Google_Protobuf_DescriptorProto] = [:]
    var enums: [String: Google_Protobuf_EnumDescriptorProto] = [:]

    init(_ set: Google_Protobuf_FileDescriptorSet) {
        for file in set.file {
            for message in file.messageType { add(message, prefix: file.package) }
            for enumeration in file.enumType { enums[file.package + "." + enumeration.name] = enumeration }
        }
    }

    private mutating func add(_ message: Google_Protobuf_DescriptorProto, prefix: String) {
        let name = prefix + "." + message.name
        messages[name] = message
        for nested in message.nestedType { add(nested, prefix: name) }
        for enumeration in message.enumType { enums[name + "." + enumeration.name] = enumeration }
    }

    struct MissingDescriptor: Error { let name: String }

    func fullyPopulatedPayload(for name: String, depth: Int = 0) throws -> Data {
        guard let message = messages[name] else { throw MissingDescriptor(name: name) }
        var out = Data()
        for field in message.field {
            let repeats = field.label == .repeated ? 2 : 1
            for index in 0..<repeats {
                try append(field, index: index, depth: depth, to: &out)
            }
        }
        return out
    }

    private func append(_ field: Google_Protobuf_FieldDescriptorProto, index: Int, depth: Int, to out: inout Data)
        throws
    {
        let number = UInt64(field.number)
        switch field.type {
        case .string, .bytes:
            let text = Data("\(field.name)-\(index)".utf8)
            varint(number << 3 | 2, &out)
            varint(UInt64(text.count), &out)
            out.append(text)
        case .message:
            let typeName = String(field.typeName.dropFirst())
            // google.protobuf.Timestamp must hold a valid time for JSON.
            let body =
                typeName == "google.protobuf.Timestamp"
                ? timestamp(seconds: 1_790_000_000 + UInt64(index), nanos: 5)
                : (depth < 4 ? try fullyPopulatedPayload(for: typeName, depth: depth + 1) : Data())
            varint(number << 3 | 2, &out)
            varint(UInt64(body.count), &out)
            out.append(body)
        case .enum:
            let values = enums[String(field.typeName.dropFirst())]?.value ?? []
            varint(number << 3, &out)
            varint(UInt64(values.last?.number ?? 1), &out)
        case .bool:
            varint(number << 3, &out)
            varint(1, &out)
        case .int32, .int64, .uint32, .uint64:
            varint(number << 3, &out)
            varint(UInt64(42 + index), &out)
        default:
            Issue.record("field type \(field.type) of \(field.name) not covered by the payload builder")
        }
    }

    private func timestamp(seconds: UInt64, nanos: UInt64) -> Data {
        var data = Data()
        varint(1 << 3, &data)
        varint(seconds, &data)
        varint(2 << 3, &data)
        varint(nanos, &data)
        return data
    }

    private func varint(_ value: UInt64, _ out: inout Data) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}
