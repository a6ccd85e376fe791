/// The CID of every glyph of a CID-keyed CFF font (the `CFF ` table of an OpenType font): what a PDF
/// content stream writes for each glyph when the font is embedded as `CIDFontType0C` with Identity-H.
///
/// Reads just enough of the CFF to find the charset: the header, the Name and Top DICT indexes, the
/// Top DICT's `ROS`, `charset` and `CharStrings` operators, the CharStrings count and the charset
/// (formats 0, 1 and 2). Nil for anything else (a name-keyed font, a predefined charset, a short table).
enum CFFCharset {
    /// The `CFF ` table of an OpenType font file; nil when it has none.
    static func cffTable(in font: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard font.count >= 12 else { return nil }
        let tables = Int(u16(font, 4))
        for k in 0..<tables {
            let record = 12 + 16 * k
            guard record + 16 <= font.count else { return nil }
            if font[record] == 0x43, font[record + 1] == 0x46, font[record + 2] == 0x46, font[record + 3] == 0x20 {
                let offset = Int(u32(font, record + 8))
                let length = Int(u32(font, record + 12))
                guard offset + length <= font.count else { return nil }
                return UnsafeRawBufferPointer(rebasing: font[offset..<(offset + length)])
            }
        }
        return nil
    }

    /// CID by glyph id; nil when the font is not CID-keyed or cannot be read.
    static func cids(cff: UnsafeRawBufferPointer) -> [UInt16]? {
        guard cff.count >= 4 else { return nil }
        var p = Int(cff[2])  // hdrSize
        guard let names = index(cff, at: p) else { return nil }
        p = names.end
        guard let top = index(cff, at: p), let topDict = top.items.first else { return nil }
        guard let dict = operators(cff, topDict), dict.cidKeyed,
            let charsetOffset = dict.values[15], let charStrings = dict.values[17],
            charsetOffset > 2, let glyphs = index(cff, at: charStrings)?.items.count, glyphs > 0
        else { return nil }
        var cids: [UInt16] = [0]
        cids.reserveCapacity(glyphs)
        var q = charsetOffset
        guard q < cff.count else { return nil }
        let format = cff[q]
        q += 1
        while cids.count < glyphs {
            switch format {
            case 0:
                guard q + 2 <= cff.count else { return nil }
                cids.append(u16(cff, q))
                q += 2
            case 1, 2:
                let step = format == 1 ? 3 : 4
                guard q + step <= cff.count else { return nil }
                let first = Int(u16(cff, q))
                let left = format == 1 ? Int(cff[q + 2]) : Int(u16(cff, q + 2))
                q += step
                for c in first...(first + left) where cids.count < glyphs {
                    guard c <= Int(UInt16.max) else { return nil }
                    cids.append(UInt16(c))
                }
            default:
                return nil
            }
        }
        return cids
    }

    // MARK: - Reading

    private static func u16(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt16 { UInt16(b[at]) << 8 | UInt16(b[at + 1]) }
    private static func u32(_ b: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }

    /// An INDEX at `at`: its items' byte ranges and where it ends.
    private static func index(_ b: UnsafeRawBufferPointer, at: Int) -> (items: [Range<Int>], end: Int)? {
        guard at + 2 <= b.count else { return nil }
        let count = Int(u16(b, at))
        if count == 0 { return ([], at + 2) }
        guard at + 3 <= b.count else { return nil }
        let offSize = Int(b[at + 2])
        guard (1...4).contains(offSize), at + 3 + (count + 1) * offSize <= b.count else { return nil }
        func offset(_ k: Int) -> Int {
            var v = 0
            for i in 0..<offSize { v = v << 8 | Int(b[at + 3 + k * offSize + i]) }
            return v
        }
        let base = at + 2 + (count + 1) * offSize  // offsets count from the byte before the data
        var items: [Range<Int>] = []
        items.reserveCapacity(count)
        for k in 0..<count {
            let s = base + offset(k)
            let e = base + offset(k + 1)
            guard s <= e, e <= b.count else { return nil }
            items.append(s..<e)
        }
        return (items, base + offset(count))
    }

    /// The Top DICT's integer operands by operator (the last operand of each), and whether it has ROS.
    private static func operators(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> (values: [Int: Int], cidKeyed: Bool)? {
        var values: [Int: Int] = [:]
        var operands: [Int] = []
        var cidKeyed = false
        var i = range.lowerBound
        while i < range.upperBound {
            let b0 = Int(b[i])
            switch b0 {
            case 0...21:
                if b0 == 12 {
                    guard i + 1 < range.upperBound else { return nil }
                    if b[i + 1] == 30 { cidKeyed = true }  // ROS
                    i += 2
                } else {
                    if let last = operands.last { values[b0] = last }
                    i += 1
                }
                operands.removeAll()
            case 28:
                guard i + 2 < range.upperBound else { return nil }
                operands.append(Int(Int16(bitPattern: u16(b, i + 1))))
                i += 3
            case 29:
                guard i + 4 < range.upperBound else { return nil }
                operands.append(Int(Int32(bitPattern: u32(b, i + 1))))
                i += 5
            case 30:  // a real: nibbles up to an 0xf nibble; never an offset
                i += 1
                while i < range.upperBound, b[i] & 0x0F != 0x0F, b[i] & 0xF0 != 0xF0 { i += 1 }
                i += 1
                operands.append(0)
            case 32...246:
                operands.append(b0 - 139)
                i += 1
            case 247...250:
                guard i + 1 < range.upperBound else { return nil }
                operands.append((b0 - 247) * 256 + Int(b[i + 1]) + 108)
                i += 2
            case 251...254:
                guard i + 1 < range.upperBound else { return nil }
                operands.append(-(b0 - 251) * 256 - Int(b[i + 1]) - 108)
                i += 2
            default:
                return nil
            }
        }
        return (values, cidKeyed)
    }
}
