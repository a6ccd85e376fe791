import Foundation
import Rules
import Typeset

/// The form templates of `Templates/forms/`, loaded and validated once, shared by every thread.
public struct FormLibrary: Sendable {
    public var templates: [FormTemplate.Kind: FormTemplate]

    public init(templates: [FormTemplate.Kind: FormTemplate]) { self.templates = templates }

    /// Loads every `*.yaml` in `folder` (`Templates/forms`); each kind must be there exactly once.
    public static func load(folder: URL) throws -> FormLibrary {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { ["yaml", "yml"].contains($0.pathExtension.lowercased()) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw TemplateError(file: folder.path, line: nil, message: "cannot list the form templates: \(error.localizedDescription)")
        }
        var templates: [FormTemplate.Kind: FormTemplate] = [:]
        for url in files {
            let shown = "Templates/forms/" + url.lastPathComponent
            let t = try TemplateLoader.load(url: url, displayName: shown)
            if let other = templates[t.kind] {
                throw TemplateError(file: shown, line: nil, message: "a second template of kind \(t.kind.rawValue) (the first is \(other.file))")
            }
            templates[t.kind] = t
        }
        for kind in FormTemplate.Kind.allCases where templates[kind] == nil {
            throw TemplateError(file: folder.path, line: nil, message: "no template of kind \(kind.rawValue)")
        }
        return FormLibrary(templates: templates)
    }

    /// `Templates/forms` inside a templates folder.
    public static func load(templates: URL) throws -> FormLibrary {
        try load(folder: templates.appendingPathComponent("forms"))
    }

    public func template(_ kind: FormTemplate.Kind) -> FormTemplate { templates[kind]! }
}
