import ArgumentParser
import Forms
import Foundation
import Rules
import Typeset
#if canImport(Glibc)
import Glibc
#endif

/// `certpack batch-worker`: one worker process of `certpack batch` (not for people; see `BatchRun`).
/// Reads jobs on standard input, writes packs, answers on standard output; stops when its input
/// closes, so it never outlives the batch that started it.
struct BatchWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch-worker", abstract: "（内部）certpack batch 的生成进程。", shouldDisplay: false)

    @OptionGroup var templates: TemplatesOption

    func run() throws {
        let stop = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue(label: "certpack.worker.signals"))
            source.setEventHandler {
                AtomicFile.removePending()
                _exit(sig == SIGINT ? 130 : 143)
            }
            source.resume()
            return source
        }
        defer { _ = stop }
        let catalog = try templates.catalog()
        let library = try FormLibrary.load(templates: try TemplatesLocator.locate(explicit: templates.templates))
        let fonts = try FontBook.load(fontsFolder: try ProjectFolders.fonts(templates: templates.templates))
        try BatchWorker.serve(catalog: catalog, fonts: fonts, library: library)
    }
}
