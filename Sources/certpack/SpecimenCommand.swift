import ArgumentParser
import Foundation
import Typeset

/// `certpack specimen`: the typesetting engine's showcase page, as PDF and PNG.
struct SpecimenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specimen",
        abstract: "写出排版样张 specimen.pdf 与 specimen.png（检查字体、断行、缩排）。",
        discussion:
            "Writes a one-page specimen of the Chinese typesetting engine: title, ruled grid, shrinking and wrapping values, a paragraph broken by Chinese rules, rare names (堃 喆 赟 䶮 𠮷) and tick boxes."
    )

    @Option(name: .shortAndLong, help: "Folder to write into.")
    var output: String = "Output"

    @Option(help: "Resolution of the PNG preview in dots per inch.")
    var dpi: Double = 100

    func run() async throws {
        let fonts = try FontBook.load(fontsFolder: try ProjectFolders.fonts())
        let page = try Specimen.page(fonts: fonts)
        let folder = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pdf = folder.appendingPathComponent("specimen.pdf")
        let writer = try PDFWriter(url: pdf, metadata: PDFMetadata(title: Specimen.title, author: "CertPack", subject: "排版样张"), fonts: fonts)
        try writer.add(page)
        try writer.finish()
        let png = folder.appendingPathComponent("specimen.png")
        try PNGWriter.write(page, to: png, dpi: dpi, fonts: fonts)
        print("样张已写出 specimen written: \(pdf.path), \(png.path)")
    }
}
