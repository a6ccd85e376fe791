// Sections added by the forms and batch work (pack, batch). Each is run as `certpack-bench NAME`.

/// A benchmark section run in its own child process.
struct ExtraSection { let name: String; let title: String }

let extraSections: [ExtraSection] = []

func runExtraSection(_ name: String) throws {
    print("unknown section \(name)")
}
