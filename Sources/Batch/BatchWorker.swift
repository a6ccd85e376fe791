import Forms
import Foundation
import Rules
import Typeset

#if canImport(Glibc)
    import Glibc
#endif

/// The worker's side: reads chunks from `input` until it closes, makes them, answers on `output`.
public enum BatchWorker {
    public static func serve(
        input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
        catalog: Catalog, fonts: FontBook, library: FormLibrary
    ) throws {
        let reader = LineReader(fd: input)
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        guard let first = reader.next() else { return }
        let maker = PackMaker(setup: try decoder.decode(WorkerSetup.self, from: first), catalog: catalog, fonts: fonts, library: library)
        var coordinatorGone = false
        while !coordinatorGone, let line = reader.next() {
            maker.make(try decoder.decode(WorkerChunk.self, from: line), stop: { coordinatorGone }) { reply in
                if !coordinatorGone, let data = try? encoder.encode(reply), !writeLine(output, data) { coordinatorGone = true }
            }
        }
    }
}
