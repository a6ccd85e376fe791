import Dispatch
import Forms
import Foundation
import Input
import Rules
import Typeset

// `certpack batch --check`: the run's own checks for every record of a batch, in memory.

extension Preflight {
    /// What `BatchRun` refuses to write beyond a record's own data problems, by record index: a second
    /// record that would write the same pack folder, then whatever `run` finds (the layout above all).
    /// Records with data problems are left out: the batch reports those already.
    public static func batch(_ records: [BatchRecord], catalog: Catalog, fonts: FontBook, library: FormLibrary,
                             workers: Int) -> [Int: [String]] {
        var refused: [Int: [String]] = [:]
        for (i, first) in sameFolder(records) {
            refused[i] = [sameFolderMessage(firstLine: records[first].line)]
        }
        let todo = records.indices.filter { records[$0].isValid && refused[$0] == nil }
        let found = Found()
        DispatchQueue.concurrentPerform(iterations: min(max(1, workers), max(1, todo.count))) { worker in
            for n in stride(from: worker, to: todo.count, by: max(1, workers)) {
                let i = todo[n]
                let problems = check(records[i].application!, catalog: catalog, fonts: fonts, library: library)
                if !problems.isEmpty { found.add(i, problems.map(\.message)) }
            }
        }
        return refused.merging(found.all) { a, _ in a }
    }

    /// Later records whose pack would go to the same folder as an earlier one: index → the earlier index.
    public static func sameFolder(_ records: [BatchRecord]) -> [Int: Int] {
        var firstByFolder: [String: Int] = [:], clash: [Int: Int] = [:]
        for (i, r) in records.enumerated() {
            guard let app = r.application, r.issues.isEmpty else { continue }
            let folder = Pack.folderName(for: app.organization)
            if let first = firstByFolder[folder] { clash[i] = first } else { firstByFolder[folder] = i }
        }
        return clash
    }

    /// The message of a record refused for writing the same folder as the one on `firstLine`.
    public static func sameFolderMessage(firstLine: Int) -> String {
        "与第 \(firstLine) 行是同一单位，申请材料会写进同一个文件夹；一家单位只写一次，多位持证人见 --help"
    }
}

/// Problems found by the workers of `Preflight.batch`.
private final class Found: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [Int: [String]] = [:]
    func add(_ i: Int, _ messages: [String]) { lock.lock(); found[i] = messages; lock.unlock() }
    var all: [Int: [String]] { lock.lock(); defer { lock.unlock() }; return found }
}
