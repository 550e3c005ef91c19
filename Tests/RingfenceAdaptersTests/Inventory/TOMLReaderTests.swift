import Foundation
import Testing

@testable import RingfenceAdapters

/// The TOML reader against examples of the TOML v1.0.0 specification (toml.io/en/v1.0.0).
@Suite("TOML reader")
struct TOMLReaderTests {
    static func parse(_ text: String) throws -> [String: Any] { try TOMLReader.parse(text) }

    @Test("keys: bare, quoted and dotted, with comments and blank lines")
    func keys() throws {
        let document = try Self.parse(
            #"""
            # This is a full-line comment
            key = "value"  # This is a comment at the end of a line
            bare_key = "value"
            bare-key = "value"
            1234 = "value"
            "127.0.0.1" = "value"
            "ʎǝʞ" = "value"
            'quoted "value"' = "value"

            name = "Orange"
            physical.color = "orange"
            physical.shape = "round"
            site."google.com" = true
            """#)
        #expect(document["key"] as? String == "value")
        #expect(document["bare-key"] as? String == "value")
        #expect(document["1234"] as? String == "value")
        #expect(document["127.0.0.1"] as? String == "value")
        #expect(document["ʎǝʞ"] as? String == "value")
        #expect(document[#"quoted "value""#] as? String == "value")
        let physical = document["physical"] as? [String: Any]
        #expect(physical?["color"] as? String == "orange" && physical?["shape"] as? String == "round")
        #expect((document["site"] as? [String: Any])?["google.com"] as? Bool == true)
    }

    @Test("strings: escapes, multi-line basic with line-ending backslashes, literal and multi-line literal")
    func strings() throws {
        let document = try Self.parse(
            #"""
            str = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF."
            str1 = """
            Roses are red
            Violets are blue"""
            str2 = """
            The quick brown \
              fox jumps over \
                the lazy dog."""
            str3 = """Here are two quotation marks: "". Simple enough."""
            str4 = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\"."""
            str5 = """"This," she said, "is just a pointless statement.""""
            winpath = 'C:\Users\nodejs\templates'
            regex = '<\i\c*\s*>'
            lines = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace
               is preserved.
            '''
            empty = ""
            """#)
        #expect(document["str"] as? String == "I'm a string. \"You can quote me\". Name\tJosé\nLocation\tSF.")
        #expect(document["str1"] as? String == "Roses are red\nViolets are blue")
        #expect(document["str2"] as? String == "The quick brown fox jumps over the lazy dog.")
        #expect(document["str3"] as? String == #"Here are two quotation marks: "". Simple enough."#)
        #expect(document["str4"] as? String == #"Here are fifteen quotation marks: """""""""""""""."#)
        #expect(document["str5"] as? String == #""This," she said, "is just a pointless statement.""#)
        #expect(document["winpath"] as? String == #"C:\Users\nodejs\templates"#)
        #expect(document["regex"] as? String == #"<\i\c*\s*>"#)
        #expect(
            document["lines"] as? String
                == "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n")
        #expect(document["empty"] as? String == "")
    }

    @Test("numbers, booleans and dates")
    func scalars() throws {
        let document = try Self.parse(
            """
            int1 = +99
            int2 = -17
            int3 = 1_000
            hex = 0xDEADBEEF
            oct = 0o755
            bin = 0b11010110
            flt = 6.626e-34
            yes = true
            no = false
            odt = 1979-05-27T07:32:00Z
            ldt = 1979-05-27 07:32:00
            """)
        #expect(document["int1"] as? Int == 99 && document["int2"] as? Int == -17 && document["int3"] as? Int == 1000)
        #expect(
            document["hex"] as? Int == 0xDEAD_BEEF && document["oct"] as? Int == 0o755 && document["bin"] as? Int == 214
        )
        #expect(document["flt"] as? Double == 6.626e-34)
        #expect(document["yes"] as? Bool == true && document["no"] as? Bool == false)
        #expect(document["odt"] as? String == "1979-05-27T07:32:00Z")
        #expect(document["ldt"] as? String == "1979-05-27 07:32:00")
    }

    @Test("arrays over lines with comments, inline tables, tables and arrays of tables")
    func structure() throws {
        let document = try Self.parse(
            #"""
            integers = [ 1, 2, 3 ]
            nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
            integers3 = [
              1,
              2, # this is ok
            ]
            point = { x = 1, y = 2 }
            animal = { type.name = "pug" }

            [dog."tater.man"]
            type.name = "pug"

            [[products]]
            name = "Hammer"
            sku = 738594937

            [[products]]  # empty table within the array

            [[products]]
            name = "Nail"
            color = "gray"
            """#)
        #expect(document["integers"] as? [Int] == [1, 2, 3])
        #expect((document["nested_mixed_array"] as? [Any])?.count == 2)
        #expect(document["integers3"] as? [Int] == [1, 2])
        #expect((document["point"] as? [String: Any])?["y"] as? Int == 2)
        #expect(((document["animal"] as? [String: Any])?["type"] as? [String: Any])?["name"] as? String == "pug")
        let dog = (document["dog"] as? [String: Any])?["tater.man"] as? [String: Any]
        #expect((dog?["type"] as? [String: Any])?["name"] as? String == "pug")
        let products = document["products"] as? [[String: Any]]
        #expect(products?.count == 3)
        #expect(products?[0]["name"] as? String == "Hammer" && products?[1].isEmpty == true)
        #expect(products?[2]["color"] as? String == "gray")
    }

    @Test(
        "documents the grammar refuses, with the line",
        arguments: [
            ("key = # INVALID", 1),
            ("a = 1\nfirst = \"Tom\" last = \"Preston-Werner\"", 2),
            ("name = \"Tom\"\nname = \"Pradyun\"", 2),
            ("a = 1\n\n[table\nb = 2", 3),
            ("s = \"unterminated\nt = 1", 1),
            ("fruit.apple = 1\nfruit.apple.smooth = true", 2),
            ("bad = \"\\q\"", 1),
            ("=\"no key\"", 1),
        ])
    func refused(text: String, line: Int) {
        #expect(throws: TOMLReader.Failure.self) { try TOMLReader.parse(text) }
        do {
            _ = try TOMLReader.parse(text)
        } catch {
            #expect(error.line == line, "\(error)")
        }
    }
}
