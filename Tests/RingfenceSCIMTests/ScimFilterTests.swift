import Testing

@testable import RingfenceSCIM

/// Filters against the examples of RFC 7644 §3.4.2.2 and the lookups providers send.
@Suite("SCIM filters")
struct ScimFilterTests {
    static func path(_ text: String) -> ScimAttributePath { try! ScimAttributePath(parsing: text) }

    @Test(
        "every example filter of RFC 7644 §3.4.2.2 parses",
        arguments: [
            #"userName Eq "john""#, #"Username eq "john""#, #"userName eq "bjensen""#,
            #"name.familyName co "O'Malley""#, #"userName sw "J""#,
            #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, "title pr",
            #"meta.lastModified gt "2011-05-13T04:42:34Z""#, #"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            #"meta.lastModified lt "2011-05-13T04:42:34Z""#, #"meta.lastModified le "2011-05-13T04:42:34Z""#,
            #"title pr and userType eq "Employee""#, #"title pr or userType eq "Intern""#,
            #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
            #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            #"userType eq "Employee" and (emails.type eq "work")"#,
            #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
            #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        ])
    func rfcExamples(text: String) throws {
        _ = try ScimFilter.parse(text)
    }

    @Test("not binds tighter than and, and tighter than or; parentheses group")
    func precedence() throws {
        let a = ScimFilter.present(Self.path("a"))
        let b = ScimFilter.present(Self.path("b"))
        let c = ScimFilter.present(Self.path("c"))
        #expect(try ScimFilter.parse("a pr or b pr and c pr") == .or(a, .and(b, c)))
        #expect(try ScimFilter.parse("(a pr or b pr) and c pr") == .and(.or(a, b), c))
        #expect(try ScimFilter.parse("not (a pr) and b pr") == .and(.not(a), b))
        #expect(try ScimFilter.parse("a pr and b pr and c pr") == .and(.and(a, b), c))
    }

    @Test("the lookups Entra ID and Okta send are equalities a store answers from an index")
    func equalities() throws {
        let entra = try ScimFilter.parse(#"userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1""#)
        #expect(entra.equalities?.map(\.value) == ["Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"])
        let both = try ScimFilter.parse(#"externalId eq "0a21f0f2" and userName eq "bob@example.com""#)
        #expect(both.equalities?.map(\.attribute.name) == ["externalId", "userName"])
        #expect(try ScimFilter.parse(#"userName sw "b""#).equalities == nil)
        #expect(try ScimFilter.parse(#"userName eq "a" or userName eq "b""#).equalities == nil)
    }

    @Test("matching: userName ignores case, externalId does not; ne, co, sw, ew, pr, value paths and booleans")
    func matching() throws {
        let user = ScimJSON.object([
            "userName": .string("Bjensen@Example.com"), "externalId": .string("AbC"), "active": .bool(true),
            "emails": .array([
                .object(["type": .string("work"), "value": .string("bjensen@example.com")]),
                .object(["type": .string("home"), "value": .string("babs@jensen.org")]),
            ]),
            "name": .object(["familyName": .string("Jensen")]),
        ])
        let cases: [(String, Bool)] = [
            (#"userName eq "bjensen@example.com""#, true), (#"externalId eq "abc""#, false),
            (#"externalId eq "AbC""#, true), (#"userName ne "x""#, true), (#"name.familyName co "ens""#, true),
            (#"userName sw "bjen""#, true), (#"userName ew ".com""#, true), ("title pr", false), ("name pr", true),
            (#"emails[type eq "home" and value ew ".org"]"#, true), (#"emails[type eq "other"]"#, false),
            (#"emails.value co "jensen.org""#, true), ("active eq true", true), ("active eq false", false),
            (#"not (userName sw "b")"#, false),
        ]
        for (text, expected) in cases {
            #expect(try ScimFilter.parse(text).matches(user) == expected, "\(text)")
        }
    }

    @Test(
        "malformed or hostile filters are invalidFilter errors",
        arguments: [
            "userName eq", #"userName zz "x""#, #"(userName eq "x""#, #"userName eq "x")"#, #"userName eq "unclosed"#,
            #"userName eq "x" ; DROP TABLE directory_users"#, "eq \"x\"", #"userName eq x"#, "not userName pr",
            #"emails[type eq "work""#, "", #"1userName eq "x""#, #"userName eq "\q""#,
        ])
    func refused(text: String) {
        #expect {
            try ScimFilter.parse(text)
        } throws: { error in
            (error as? ScimError)?.kind == .invalidFilter && (error as? ScimError)?.status == 400
        }
    }

    @Test("a quote inside a string stays in the value: nothing escapes the literal")
    func injection() throws {
        let filter = try ScimFilter.parse(#"userName eq "x\" or 1=1 --""#)
        #expect(filter.equalities?.first?.value == #"x" or 1=1 --"#)
        #expect(throws: ScimError.self) { try ScimFilter.parse(String(repeating: "a pr and ", count: 600) + "a pr") }
    }
}
