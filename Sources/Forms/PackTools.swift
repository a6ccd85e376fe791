import Foundation
import Rules
import Typeset

/// What every entry point (fill, validate, checklist, batch and its workers, the web page, the
/// benchmarks) loads once from one templates folder, read-only and shared by every thread: the
/// catalog (`catalog.yaml`, `holidays.yaml`), the fonts (`Fonts/` beside `Templates/`) and the form
/// templates (`forms/`).
public struct PackTools: Sendable {
    /// The templates folder everything was loaded from.
    public var templates: URL
    public var catalog: Catalog
    public var fonts: FontBook
    public var library: FormLibrary

    public init(templates: URL, catalog: Catalog, fonts: FontBook, library: FormLibrary) {
        self.templates = templates
        self.catalog = catalog
        self.fonts = fonts
        self.library = library
    }

    /// Loads the catalog, the form templates and the fonts for `templates` (a `Templates/` folder).
    public static func load(templates: URL) throws -> PackTools {
        let catalog = try Catalog.load(templates: templates)
        let library = try FormLibrary.load(templates: templates)
        let fonts = try FontBook.load(fontsFolder: fontsFolder(templates: templates))
        return PackTools(templates: templates, catalog: catalog, fonts: fonts, library: library)
    }

    /// `Fonts/`, beside `Templates/`.
    public static func fontsFolder(templates: URL) -> URL {
        templates.deletingLastPathComponent().appendingPathComponent("Fonts")
    }
}
