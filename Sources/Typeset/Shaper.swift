import CHarfBuzz
import Foundation

/// One glyph of shaped text, in ems (multiply by the point size to place it).
struct ShapedGlyph: Sendable {
    var id: UInt32
    /// Index into `FontBook.faces`.
    var face: Int
    var advance: Double
    var xOffset: Double
    var yOffset: Double
    /// The scalar this glyph's cluster starts at.
    var scalar: Int
}

/// Text shaped once at 1 em: widths scale linearly with size, so shrinking needs no reshaping.
struct ShapedText: Sendable {
    let text: String
    let scalars: [Unicode.Scalar]
    /// UTF-8 offset of each scalar, plus the total length at the end.
    let offsets: [Int]
    let glyphs: [ShapedGlyph]
    /// Width of each scalar in ems (a ligature's width sits on its first scalar).
    let advances: [Double]
    /// Scalars that start a cluster: lines only break before these.
    let clusterStart: [Bool]
}

nonisolated(unsafe) private let zhHans = hb_language_from_string("zh-Hans", -1)

/// Shapes `text` with the role's fallback chain: each character goes to the first face that has it,
/// runs are split where the face or the script (Han/Latin) changes, and HarfBuzz shapes each run in
/// the context of the whole text so cluster values are UTF-8 offsets into it.
func shape(_ text: String, role: FontRole, fonts: FontBook, owner: String) throws -> ShapedText {
    let scalars = Array(text.unicodeScalars)
    var offsets = [Int]()
    offsets.reserveCapacity(scalars.count + 1)
    var byte = 0
    for s in scalars {
        offsets.append(byte)
        byte += UTF8.width(s)
    }
    offsets.append(byte)

    // Pick a face per scalar.
    let chain = fonts.chainIndices(role)
    var faceOf = [Int](repeating: chain[0], count: scalars.count)
    for (i, s) in scalars.enumerated() {
        if i > 0 && LineBreakRules.isCombining(s) {
            faceOf[i] = faceOf[i - 1]
            continue
        }
        guard let found = chain.first(where: { fonts.faces[$0].covers(s) }) else {
            if s == " " || s == "\u{00A0}" { continue }
            throw TypesetError.missingGlyph(scalar: s, text: text, owner: owner)
        }
        faceOf[i] = found
    }

    // Runs of one face and one script.
    var glyphs: [ShapedGlyph] = []
    glyphs.reserveCapacity(scalars.count)
    var advances = [Double](repeating: 0, count: scalars.count)
    var clusterStart = [Bool](repeating: false, count: scalars.count)
    let buffer = hb_buffer_create()
    defer { hb_buffer_destroy(buffer) }
    let utf8 = Array(text.utf8)
    var runStart = 0
    var runScript = script(of: scalars.first ?? " ")
    func flush(_ end: Int) {
        guard end > runStart else { return }
        let face = fonts.faces[faceOf[runStart]]
        hb_buffer_clear_contents(buffer)
        hb_buffer_set_cluster_level(buffer, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS)
        hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
        hb_buffer_set_script(buffer, runScript == .latin ? HB_SCRIPT_LATIN : HB_SCRIPT_HAN)
        hb_buffer_set_language(buffer, zhHans)
        utf8.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { c in
                hb_buffer_add_utf8(buffer, c, Int32(p.count), UInt32(offsets[runStart]), Int32(offsets[end] - offsets[runStart]))
            }
        }
        hb_shape(face.hbFont, buffer, nil, 0)
        var count: UInt32 = 0
        let infos = hb_buffer_get_glyph_infos(buffer, &count)!
        let positions = hb_buffer_get_glyph_positions(buffer, &count)!
        let em = face.upem
        var scalarIndex = runStart
        for g in 0..<Int(count) {
            let cluster = Int(infos[g].cluster)
            while scalarIndex + 1 < end && offsets[scalarIndex + 1] <= cluster { scalarIndex += 1 }
            let adv = Double(positions[g].x_advance) / em
            glyphs.append(
                ShapedGlyph(
                    id: infos[g].codepoint, face: faceOf[runStart], advance: adv,
                    xOffset: Double(positions[g].x_offset) / em, yOffset: Double(positions[g].y_offset) / em,
                    scalar: scalarIndex))
            advances[scalarIndex] += adv
            clusterStart[scalarIndex] = true
        }
        runStart = end
    }
    for i in 0..<scalars.count {
        let sc = script(of: scalars[i])
        let newScript = sc != .common && sc != runScript && runScript != .common
        if i > runStart && (faceOf[i] != faceOf[runStart] || newScript) {
            flush(i)
            runScript = sc
        }
        if runScript == .common { runScript = sc }
    }
    flush(scalars.count)
    return ShapedText(text: text, scalars: scalars, offsets: offsets, glyphs: glyphs, advances: advances, clusterStart: clusterStart)
}

private enum ScriptClass { case han, latin, common }

private func script(of s: Unicode.Scalar) -> ScriptClass {
    if s.value < 0x80 { return s.properties.isAlphabetic ? .latin : .common }
    if LineBreakRules.isCJK(s) { return s.properties.isIdeographic ? .han : .common }
    return s.properties.isAlphabetic ? .latin : .common
}

/// Shaped texts by (role, text), shared by all threads. Form labels repeat on every page of every
/// pack, so they are shaped once; the cache is cleared when it grows past a bound so memory stays flat.
final class ShapeCache: @unchecked Sendable {
    private var entries: [String: ShapedText] = [:]
    private let lock = NSLock()
    private let limit = 4096

    func shaped(_ text: String, role: FontRole, fonts: FontBook, owner: String) throws -> ShapedText {
        let key = role == .serif ? text : "\u{1}" + text
        lock.lock()
        if let hit = entries[key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let result = try shape(text, role: role, fonts: fonts, owner: owner)
        lock.lock()
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = result
        lock.unlock()
        return result
    }
}
