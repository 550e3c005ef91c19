import Testing

@testable import RingfenceCore

@Suite("APIKey")
struct APIKeyTests {
    @Test("generated keys parse back, carry 256 random bits and differ")
    func generateAndParse() throws {
        let key = APIKey.generate()
        let parsed = try #require(APIKey(parsing: key.text))
        #expect(parsed.prefix == key.prefix)
        #expect(parsed.hash == key.hash)
        #expect(key.text.count == 3 + 8 + 1 + 43)
        #expect(APIKey.generate().text != key.text)
    }

    @Test(
        "malformed keys are refused",
        arguments: [
            "", "rf_", "rf_abc_def", "xx_abcdefgh_" + String(repeating: "a", count: 43),
            "rf_ABCDEFGH_" + String(repeating: "a", count: 43), "rf_abcdefgh_short",
        ])
    func malformed(text: String) {
        #expect(APIKey(parsing: text) == nil)
    }

    @Test("a key matches only its own hash")
    func matching() {
        let key = APIKey.generate()
        #expect(key.matches(storedHash: key.hash))
        #expect(!key.matches(storedHash: APIKey.generate().hash))
        #expect(!key.matches(storedHash: Array(key.hash.dropLast())))
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        #expect(APIKey.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!APIKey.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!APIKey.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(APIKey.constantTimeEqual([], []))
    }
}
