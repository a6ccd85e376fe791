import ArgumentParser
import Batch
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
        // The batch that started this process ignores and blocks SIGINT/SIGTERM for its own handler,
        // and both are inherited through exec: a worker takes the default again, so a stop kills it
        // at once; the batch then sweeps what it left (see BatchCommand's signal handler).
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGINT)
        sigaddset(&stops, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        let tools = try templates.tools()
        try BatchWorker.serve(catalog: tools.catalog, fonts: tools.fonts, library: tools.library)
    }
}
