import Foundation
import Testing

@testable import RingfenceSCIM

@Suite("SCIM JSON bodies")
struct ScimJSONTests {
    @Test("hostile bodies are invalidSyntax: invalid UTF-8, not JSON, deeper than the limit")
    func hostile() {
        let bodies: [[UInt8]] = [
            [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], Array("{\"a\": ".utf8), Array("not json".utf8),
            Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8),
            Array((String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40)).utf8),
        ]
        for body in bodies {
            #expect {
                try ScimJSON.parse(body)
            } throws: { error in
                (error as? ScimError)?.kind == .invalidSyntax
            }
        }
        let brackets = Array(#"{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#.utf8)
        #expect(throws: Never.self) { try ScimJSON.parse(brackets) }
    }

    @Test("values keep their kinds: true is a boolean, 1 a number; names are found ignoring case")
    func kinds() throws {
        let json = try ScimJSON.parse(Array(#"{"Active": true, "count": 1, "name": null, "list": [1, "a"]}"#.utf8))
        #expect(json[attribute: "active"] == .bool(true))
        #expect(json[attribute: "COUNT"] == .number(1))
        #expect(json[attribute: "name"] == .null)
        #expect(json[attribute: "list"] == .array([.number(1), .string("a")]))
        #expect(ScimJSON.string("False").lenientBool == false && ScimJSON.string("TRUE").lenientBool == true)
        #expect(ScimJSON.string("no").lenientBool == nil && ScimJSON.number(0).lenientBool == nil)
    }

    @Test("written bodies read back equal, keys sorted, control characters escaped")
    func roundTrip() throws {
        let value = ScimJSON.object([
            "b": .array([.bool(false), .null, .number(2.5), .number(-3)]),
            "a": .string("quote \" slash \\ tab \t \u{1}"),
            "c": .object(["é": .string("ü")]),
        ])
        let bytes = value.bytes
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"a":"quote \" slash \\ tab \t \u0001""#))
        #expect(try ScimJSON.parse(bytes) == value)
    }
}
