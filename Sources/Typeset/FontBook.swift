import CHarfBuzz
import Foundation

/// The two typographic roles of a Chinese form: 宋体-style serif for body text, 黑体-style sans for titles.
public enum FontRole: String, Sendable, CaseIterable, Codable {
    case serif, sans
}

/// One face inside one font file, parsed once per process and shared by every thread.
///
/// Shaping uses HarfBuzz's own OpenType functions on an `hb_font_t` made from the file's blob, which
/// is thread-safe once built; FreeType faces (not thread-safe) are made per render context instead.
public final class FontFace: @unchecked Sendable {
    public let path: String
    public let index: Int
    let blob: OpaquePointer
    let hbFace: OpaquePointer
    let hbFont: OpaquePointer
    /// Units per em: shaping happens at this scale, positions are scaled to the wanted size.
    let upem: Double

    init(path: String, index: Int) throws {
        guard let blob = hb_blob_create_from_file_or_fail(path) else {
            throw TypesetError.fontUnavailable(role: "?", detail: "cannot read \(path)")
        }
        guard Int(hb_face_count(blob)) > index else {
            hb_blob_destroy(blob)
            throw TypesetError.fontUnavailable(role: "?", detail: "\(path) has no face \(index)")
        }
        let face = hb_face_create(blob, UInt32(index))
        let font = hb_font_create(face)!
        hb_ot_font_set_funcs(font)
        let upem = Double(hb_face_get_upem(face))
        hb_font_set_scale(font, Int32(upem), Int32(upem))
        hb_font_make_immutable(font)
        self.path = path
        self.index = index
        self.blob = blob
        self.hbFace = face!
        self.hbFont = font
        self.upem = upem
    }

    deinit {
        hb_font_destroy(hbFont)
        hb_face_destroy(hbFace)
        hb_blob_destroy(blob)
    }

    /// True when the face's cmap maps `scalar` to a glyph.
    public func covers(_ scalar: Unicode.Scalar) -> Bool {
        var glyph: hb_codepoint_t = 0
        return hb_font_get_nominal_glyph(hbFont, scalar.value, &glyph) != 0 && glyph != 0
    }

    /// The raw bytes of the font file (memory-mapped by HarfBuzz), for FreeType faces in render contexts.
    var bytes: UnsafeRawBufferPointer { blobBytes(blob) }

    /// A standalone font holding only `glyphs` (plus .notdef), renumbered compactly, with CFF
    /// subroutines inlined and the layout tables dropped (the glyphs are already shaped). cairo 1.16
    /// copies a CFF font's whole subroutine index into every PDF that embeds it — about 600 KB for
    /// Noto CJK — so short documents embed this instead. Nil when HarfBuzz cannot subset the face;
    /// the caller then embeds the whole face.
    func subset(_ glyphs: Set<UInt32>) -> FontBlob? {
        guard let input = hb_subset_input_create_or_fail() else { return nil }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_glyph_set(input)
        hb_set_add(set, 0)
        for g in glyphs { hb_set_add(set, g) }
        let drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        for tag in ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "vhea", "vmtx", "DSIG"] {
            hb_set_add(drop, hb_tag_from_string(tag, -1))
        }
        hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_DESUBROUTINIZE.rawValue | HB_SUBSET_FLAGS_NO_HINTING.rawValue)
        guard let plan = hb_subset_plan_create_or_fail(hbFace, input) else { return nil }
        defer { hb_subset_plan_destroy(plan) }
        guard let sub = hb_subset_plan_execute_or_fail(plan) else { return nil }
        defer { hb_face_destroy(sub) }
        let mapping = hb_subset_plan_old_to_new_glyph_mapping(plan)
        var newID: [UInt32: UInt32] = [:]
        for g in glyphs { newID[g] = hb_map_get(mapping, g) }
        return FontBlob(hb_face_reference_blob(sub), glyphMap: newID)
    }
}

/// A font file's bytes owned by a HarfBuzz blob; for a subset, the new id of each original glyph.
public final class FontBlob: @unchecked Sendable {
    let blob: OpaquePointer
    public let glyphMap: [UInt32: UInt32]
    init(_ blob: OpaquePointer, glyphMap: [UInt32: UInt32] = [:]) {
        self.blob = blob
        self.glyphMap = glyphMap
    }
    deinit { hb_blob_destroy(blob) }
    /// Valid while this blob lives.
    public var bytes: UnsafeRawBufferPointer { blobBytes(blob) }
}

private func blobBytes(_ blob: OpaquePointer) -> UnsafeRawBufferPointer {
    var length: UInt32 = 0
    let data = hb_blob_get_data(blob, &length)
    return UnsafeRawBufferPointer(start: data, count: Int(length))
}

/// The fonts of the process, by role, each role an ordered fallback chain.
///
/// Loaded from a manifest (`Fonts/fonts.json`): a font file is looked for in the manifest's own folder
/// first (a user can drop a file there), then in the system's font folders. Each file is opened once.
public final class FontBook: @unchecked Sendable {
    /// Every distinct face, in manifest order; glyph runs refer to faces by index into this array.
    public let faces: [FontFace]
    let chains: [FontRole: [Int]]
    let renderPool = RenderContextPool()
    let shapeCache = ShapeCache()

    /// The system folders searched after the manifest's own folder.
    public static let systemFontFolders = [
        "/usr/share/fonts", "/usr/local/share/fonts", NSHomeDirectory() + "/.local/share/fonts", NSHomeDirectory() + "/.fonts",
    ]

    /// One face of a role's chain, as the manifest names it.
    public struct Entry: Codable, Sendable {
        public var file: String
        public var index: Int?
        public var name: String?
        public init(file: String, index: Int? = nil, name: String? = nil) {
            self.file = file
            self.index = index
            self.name = name
        }
    }

    struct Manifest: Codable {
        var roles: [String: [Entry]]
    }

    /// Builds a book from explicit chains (tests, or callers that know their files).
    public init(chains roleEntries: [FontRole: [Entry]], searchFolders: [String]) throws {
        var faces: [FontFace] = []
        var keyed: [String: Int] = [:]
        var chains: [FontRole: [Int]] = [:]
        for role in FontRole.allCases {
            guard let entries = roleEntries[role], !entries.isEmpty else {
                throw TypesetError.fontUnavailable(role: role.rawValue, detail: "the manifest gives no font for this role")
            }
            var chain: [Int] = []
            var missing: [String] = []
            for entry in entries {
                guard let path = FontBook.locate(entry.file, in: searchFolders) else {
                    missing.append(entry.file)
                    continue
                }
                let key = "\(path)#\(entry.index ?? 0)"
                if let known = keyed[key] {
                    chain.append(known)
                    continue
                }
                do {
                    faces.append(try FontFace(path: path, index: entry.index ?? 0))
                } catch let TypesetError.fontUnavailable(_, detail) {
                    throw TypesetError.fontUnavailable(role: role.rawValue, detail: detail)
                }
                keyed[key] = faces.count - 1
                chain.append(faces.count - 1)
            }
            if chain.isEmpty {
                throw TypesetError.fontUnavailable(
                    role: role.rawValue,
                    detail:
                        "none of \(missing.joined(separator: ", ")) found in \(searchFolders.joined(separator: ", ")) — install fonts-noto-cjk or drop the files into Fonts/"
                )
            }
            chains[role] = chain
        }
        self.faces = faces
        self.chains = chains
    }

    /// Loads `fonts.json` from `folder`, searching that folder first and then the system's font folders.
    public static func load(fontsFolder folder: URL) throws -> FontBook {
        let manifestURL = folder.appendingPathComponent("fonts.json")
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        } catch let error as DecodingError {
            throw TypesetError.badManifest(path: manifestURL.path, detail: "malformed font manifest: \(error)")
        } catch {
            throw TypesetError.badManifest(path: manifestURL.path, detail: error.localizedDescription)
        }
        var chains: [FontRole: [Entry]] = [:]
        for (name, entries) in manifest.roles {
            guard let role = FontRole(rawValue: name) else {
                throw TypesetError.badManifest(path: manifestURL.path, detail: "unknown role '\(name)'; expected serif or sans")
            }
            chains[role] = entries
        }
        return try FontBook(chains: chains, searchFolders: [folder.path] + systemFontFolders)
    }

    /// Each face the pages draw from, cut down to the glyphs they use (faces HarfBuzz cannot subset
    /// are left out and embedded whole).
    func subsets(for pages: [Page]) -> [Int: FontBlob] {
        var glyphs: [Int: Set<UInt32>] = [:]
        for page in pages {
            for case let .glyphs(run) in page.items {
                glyphs[run.face, default: []].formUnion(run.glyphs.lazy.map(\.id))
            }
        }
        var result: [Int: FontBlob] = [:]
        for (face, ids) in glyphs {
            if let blob = faces[face].subset(ids) { result[face] = blob }
        }
        return result
    }

    /// The first character of `text` that no face of the role's chain can draw, if any.
    public func firstMissing(in text: String, role: FontRole = .serif) -> Unicode.Scalar? {
        let chain = chain(role)
        return text.unicodeScalars.first { s in
            !(s == " " || s == "\u{00A0}" || s == "\n" || LineBreakRules.isCombining(s)) && !chain.contains { $0.covers(s) }
        }
    }

    /// The chain of faces for a role, first choice first.
    public func chain(_ role: FontRole) -> [FontFace] { (chains[role] ?? []).map { faces[$0] } }

    func chainIndices(_ role: FontRole) -> [Int] { chains[role] ?? [] }

    /// The first file called `name` in the folders, searched in order (each folder recursively).
    static func locate(_ name: String, in folders: [String]) -> String? {
        if name.hasPrefix("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        let fm = FileManager.default
        for folder in folders {
            let direct = (folder as NSString).appendingPathComponent(name)
            if fm.fileExists(atPath: direct) { return direct }
            guard let walker = fm.enumerator(atPath: folder) else { continue }
            while let rel = walker.nextObject() as? String {
                if (rel as NSString).lastPathComponent == name { return (folder as NSString).appendingPathComponent(rel) }
            }
        }
        return nil
    }
}
