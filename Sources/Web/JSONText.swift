/// JSON written straight into bytes, for the 机构库 lists: a page of 100 lines is asked for by every
/// clerk who opens the tab, and Foundation's `JSONEncoder` (a dictionary per object, generic
/// dispatch per value) took a third of such a request. The shape is the list's own and fixed; the
/// writer only has to get strings right (RFC 8259: `"`, `\` and control characters escaped, the rest
/// written as UTF-8).
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Punctuation and keys written as they are: `{"uscc":`.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int<T: BinaryInteger>(_ value: T) {
        bytes += Array(String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// `,"key":"value"` when there is a value; nothing otherwise (as `JSONEncoder` leaves out nil).
    mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        raw(",\"")
        raw(key)
        raw("\":")
        string(value)
    }

    mutating func field<T: BinaryInteger>(_ key: StaticString, _ value: T?) {
        guard let value else { return }
        raw(",\"")
        raw(key)
        raw("\":")
        int(value)
    }
}
