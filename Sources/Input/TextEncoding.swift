import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The encodings a spreadsheet saves CSV in: UTF-8 (with or without BOM) and GB18030/GBK, which
/// Excel writes on Chinese Windows ("CSV (逗号分隔)").
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8
    /// GB18030 decodes GBK and GB2312 too (it is their superset).
    case gb18030

    /// Parses `utf8`, `utf-8`, `gbk`, `gb2312`, `gb18030` (any case).
    public static func parse(_ name: String) -> TextEncoding? {
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "utf8": .utf8
        case "gbk", "gb2312", "gb18030", "cp936": .gb18030
        default: nil
        }
    }

    /// Decodes `data`: a UTF-8 BOM means UTF-8; valid UTF-8 is UTF-8; anything else is GB18030.
    /// With `forced`, only that encoding is tried. Returns the text and the encoding used.
    public static func decode(_ data: Data, forced: TextEncoding? = nil) -> (text: String, encoding: TextEncoding)? {
        var bytes = data
        let bom = Data([0xEF, 0xBB, 0xBF])
        if bytes.starts(with: bom) {
            if forced == .gb18030 { return nil }
            bytes = bytes.dropFirst(3)
            return String(data: bytes, encoding: .utf8).map { ($0, .utf8) }
        }
        if forced != .gb18030, let text = String(data: bytes, encoding: .utf8) { return (text, .utf8) }
        if forced == .utf8 { return nil }
        return gb18030(bytes).map { ($0, .gb18030) }
    }

    /// Why `data` is not a text table, or nil: a file with NUL bytes or many control characters
    /// (a PDF, a picture, a workbook) gets one short line instead of its bytes shown as text.
    public static func notText(_ data: Data) -> String? {
        if data.isEmpty || data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) || data == Data([0xEF, 0xBB, 0xBF]) {
            return "文件是空的：请从 certpack batch --template 生成的表头开始"
        }
        let head = data.prefix(4096)
        let controls = head.filter { $0 < 0x20 && ![0x09, 0x0A, 0x0D].contains($0) }.count
        if head.contains(0) || controls * 100 > head.count {
            return "这不是文本文件，读不出表格：请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后再导入"
        }
        return nil
    }

    /// GB18030 → String through glibc's iconv. Nil when the bytes are not valid GB18030.
    static func gb18030(_ data: Data) -> String? {
        iconvert(Array(data), from: "GB18030", to: "UTF-8").map { String(decoding: $0, as: UTF8.self) }
    }

    /// Encodes `text` as GB18030 (for tests and for writing files Excel on Chinese Windows opens).
    public static func gb18030Data(_ text: String) -> Data? {
        iconvert(Array(text.utf8), from: "UTF-8", to: "GB18030").map { Data($0) }
    }

    /// Converts bytes between encodings with glibc's iconv; nil on an invalid or incomplete sequence.
    /// (swift-corelibs-foundation does decode GB18030 when asked through
    /// `CFStringConvertEncodingToNSStringEncoding(0x0632)`, but `CFStringEncodings` is not exported
    /// on Linux and glibc's iconv is always there and reports invalid bytes; it is what we use.)
    private static func iconvert(_ bytes: [UInt8], from: String, to: String) -> [UInt8]? {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 2 + 16)  // 2 GBK bytes → ≤ 3 UTF-8; 3 UTF-8 → ≤ 4 GB18030
        var inLeft = input.count
        var outLeft = output.count
        let converted: Bool = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr = inBuf.baseAddress
                var outPtr = outBuf.baseAddress
                return inBuf.count == 0 || iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft) != -1
            }
        }
        guard converted, inLeft == 0 else { return nil }
        return output[0..<(output.count - outLeft)].map { UInt8(bitPattern: $0) }
    }
}
