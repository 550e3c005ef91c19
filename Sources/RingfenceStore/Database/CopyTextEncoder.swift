import PostgresNIO

/// Encodes rows for `COPY … FROM STDIN (FORMAT text)`, the bulk path for large writes.
///
/// postgres-nio streams COPY data but leaves the format to the caller. In text format,
/// fields are separated by tabs and rows by newlines; backslash, tab, newline and carriage
/// return inside a value are escaped, and `\N` is NULL. Arrays use PostgreSQL's literal
/// syntax (`{"a","b"}`) with their own quoting, escaped again for COPY. Values must not
/// contain NUL (PostgreSQL text cannot hold it; callers reject such values earlier).
///
/// Rows accumulate in a buffer that is flushed to the server every `chunkSize` bytes.
public struct CopyTextEncoder: Sendable {
    private(set) var buffer: ByteBuffer
    private var fieldsInRow = 0
    private let writer: PostgresCopyFromWriter?
    private let chunkSize: Int

    /// An encoder that streams to a COPY writer.
    public init(writer: PostgresCopyFromWriter, chunkSize: Int = 1 << 20) {
        self.writer = writer
        self.chunkSize = chunkSize
        buffer = ByteBuffer()
        buffer.reserveCapacity(chunkSize + 4096)
    }

    /// An encoder that only collects (for tests).
    init() {
        writer = nil
        chunkSize = .max
        buffer = ByteBuffer()
    }

    /// The collected text (for tests).
    var text: String { String(buffer: buffer) }

    public mutating func field(_ value: String?) {
        separator()
        guard let value else {
            buffer.writeStaticString("\\N")
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    public mutating func field(_ value: Int64?) {
        field(value.map { String($0) })
    }

    public mutating func field(_ value: Bool) {
        field(value ? "t" : "f")
    }

    /// A `text[]` value.
    public mutating func field(array: [String]) {
        let elements = array.map { element -> String in
            var quoted = "\""
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { quoted.unicodeScalars.append("\\") }
                quoted.unicodeScalars.append(character)
            }
            return quoted + "\""
        }
        field("{" + elements.joined(separator: ",") + "}")
    }

    /// Ends the current row; flushes when the buffer is full.
    public mutating func endRow() async throws {
        buffer.writeInteger(UInt8(ascii: "\n"))
        fieldsInRow = 0
        if let writer, buffer.readableBytes >= chunkSize {
            try await writer.write(buffer)
            buffer.clear()
        }
    }

    /// Sends what is left.
    public mutating func finish() async throws {
        if let writer, buffer.readableBytes > 0 {
            try await writer.write(buffer)
            buffer.clear()
        }
    }

    private mutating func separator() {
        if fieldsInRow > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    /// Ends a row without flushing (for tests).
    mutating func endRowSync() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        fieldsInRow = 0
    }
}
