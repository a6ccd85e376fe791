import Forms
import Foundation
import PDF
import Rules
import Typeset

#if canImport(Glibc)
    import Glibc
#endif

/// Makes chunks of packs in this process, on the calling thread (see `PreparedFaces` for why one).
final class PackMaker {
    let setup: WorkerSetup
    let catalog: Catalog
    let fonts: FontBook
    let library: FormLibrary

    init(setup: WorkerSetup, catalog: Catalog, fonts: FontBook, library: FormLibrary) {
        self.setup = setup
        self.catalog = catalog
        self.fonts = fonts
        self.library = library
    }

    /// For the engine's own tests: a worker that is slow (`CERTPACK_TEST_WORKER_DELAY` seconds before
    /// each pack) or dies at one record (`CERTPACK_TEST_WORKER_CRASH_AT`, a record index).
    private static func testHooks(_ index: Int) {
        let env = ProcessInfo.processInfo.environment
        if let delay = env["CERTPACK_TEST_WORKER_DELAY"].flatMap(Double.init) { Thread.sleep(forTimeInterval: delay) }
        if env["CERTPACK_TEST_WORKER_CRASH_AT"].flatMap(Int.init) == index { kill(getpid(), SIGKILL) }
    }

    static func partPath(_ setup: WorkerSetup, _ chunk: Int) -> String {
        setup.parts + "/" + String(format: "part-%05d.pdf", chunk)
    }

    /// Lays out each pack of the chunk once, cuts the faces down to exactly the glyphs the chunk's
    /// pages use, draws each pack, hands its files to the committer and its pages to the chunk's part.
    /// A pack whose files could not be put in place makes the part unusable (it would show a pack
    /// that is not there): 全部打印.pdf is then not written.
    func make(_ chunk: WorkerChunk, stop: () -> Bool = { false }, reply: (WorkerReply) -> Void) {
        let root = URL(fileURLWithPath: setup.output)
        var built: [(job: WorkerJob, pack: Result<Pack, Error>)] = []
        for job in chunk.packs {
            if stop() { return }
            Self.testHooks(job.index)
            built.append((job, Result { try Pack.build(application: job.application, catalog: catalog, fonts: fonts, library: library) }))
        }
        // cairo copies and parses a whole embedded face for every PDF: the fewer glyphs it holds, the less
        // each pack costs. The chunk's glyphs are known once it is laid out; the cut depends on the
        // chunk's records only, so the bytes do not depend on which process makes them.
        let faces = fonts.prepareFaces(for: built.compactMap { try? $0.pack.get().pages }.flatMap { $0 })
        var part: PrintAllPart?
        var partError: String?
        do {
            part = try PrintAllPart(url: URL(fileURLWithPath: Self.partPath(setup, chunk.number)), faces: faces)
        } catch {
            partError = "\(error)"
        }
        // Each pack's files are synced and renamed on the committer's thread while this one draws the
        // next; a pack is answered once its files are in place (or could not be put there).
        let committer = PackCommitter()
        func answerCommitted() { for a in committer.take() { reply(a) } }
        for (job, result) in built {
            if stop() {
                committer.wait()
                return
            }  // the part is dropped unfinished: its temporary goes with it
            answerCommitted()
            do {
                let pack = try result.get()
                if setup.resume && pack.isComplete(in: root) {
                    let pdf = root.appendingPathComponent(pack.folderName, isDirectory: true).appendingPathComponent("申请材料.pdf")
                    if partError == nil {
                        do { try part?.add(pack: pdf, pages: pack.pages) } catch {
                            partError = "\(error)"
                            part = nil
                        }
                    }
                    reply(WorkerReply(index: job.index, pages: pack.pages.count, figures: PackFigures(pack.checklist)))
                } else {
                    let files = try pack.prepare(
                        into: root, fonts: fonts, overwrite: setup.overwrite || setup.resume, faces: faces,
                        keepingBytes: partError == nil)
                    // The pack's pages, as written, go into the part (see `PrintAllPart`); should its
                    // files then fail to be put in place, the part is not used.
                    if partError == nil, let bytes = files.pdfBytes {
                        do { try part?.add(pdf: bytes, of: files.folder, pages: pack.pages) } catch {
                            partError = "\(error)"
                            part = nil
                        }
                    }
                    committer.submit(job.index, files, figures: PackFigures(pack.checklist))
                }
            } catch {
                reply(WorkerReply(index: job.index, error: "\(error)"))
            }
        }
        committer.wait()
        let committed = committer.take()
        for a in committed { reply(a) }
        if committer.failures > 0 && partError == nil {
            partError = "有 \(committer.failures) 家单位的申请材料未能保存，全部打印.pdf 不能包含它们"
        }
        var done = WorkerReply(chunk: chunk.number, partPages: part?.pageCount ?? 0)
        if partError == nil, let part, part.pageCount > 0 {
            do { try part.finish() } catch { partError = "\(error)" }
        }
        done.partError = partError
        reply(done)
    }
}
