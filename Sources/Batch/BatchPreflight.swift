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
    public static func batch(
        _ records: [BatchRecord], catalog: Catalog, fonts: FontBook, library: FormLibrary,
        workers: Int
    ) -> [Int: [String]] {
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

    /// The records with every character no font has made a data problem of the row, under the column
    /// the spreadsheet heads it with (「经办人姓名」), so that `batch --check` and the run both report it
    /// as 有误 in the same words, with the column a clerk can find.
    public static func unprintable(_ records: [BatchRecord], fonts: FontBook) -> [BatchRecord] {
        records.map { record in
            guard let app = record.application, record.issues.isEmpty else { return record }
            let issues = unprintable(app, fonts: fonts).map {
                unprintableIssue(field: $0.field, value: $0.value, scalar: $0.scalar, line: record.line, unit: record.unit)
            }
            guard !issues.isEmpty else { return record }
            var r = record
            r.issues = issues
            r.application = nil
            return r
        }
    }

    /// A character no font has, said under the column heading the field (a YAML/JSON list's items: the field path).
    static func unprintableIssue(field: String, value: String, scalar: Unicode.Scalar, line: Int, unit: String) -> BatchIssue {
        let column = unit == "项" ? field : BatchSchema.header(forField: field)
        let text = "\(TypesetError.missingGlyph(scalar: scalar, text: value, owner: column))"
        return BatchIssue(
            line: line, column: column, message: text.hasPrefix(column + "：") ? String(text.dropFirst(column.count + 1)) : text,
            unit: unit)
    }

    /// Later records whose pack would go to the same folder as an earlier one: index → the earlier index.
    public static func sameFolder(_ records: [BatchRecord]) -> [Int: Int] {
        var firstByFolder: [String: Int] = [:]
        var clash: [Int: Int] = [:]
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
    func add(_ i: Int, _ messages: [String]) {
        lock.lock()
        found[i] = messages
        lock.unlock()
    }
    var all: [Int: [String]] {
        lock.lock()
        defer { lock.unlock() }
        return found
    }
}
