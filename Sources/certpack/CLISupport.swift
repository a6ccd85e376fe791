import ArgumentParser
import FileOutput
import Forms
import Foundation
import Rules

/// Options shared by the Rules-backed subcommands.
struct TemplatesOption: ParsableArguments {
    @Option(name: .long, help: "Templates 目录（默认：$CERTPACK_TEMPLATES、./Templates、或可执行文件所在仓库的 Templates）")
    var templates: String?

    func catalog() throws -> Catalog {
        do {
            let dir = try TemplatesLocator.locate(explicit: templates)
            return try Catalog.load(templates: dir)
        } catch {
            throw CLIFailure("\(error)")
        }
    }

    /// The catalog, fonts and form templates, loaded once (`PackTools`), errors as the CLI shows them.
    func tools() throws -> PackTools {
        do { return try PackTools.load(templates: try TemplatesLocator.locate(explicit: templates)) } catch {
            throw CLIFailure("\(error)")
        }
    }
}

/// An error printed as is (no stack of Swift type names), exit code 1 by default. ID numbers in it
/// are masked, wherever the text came from (a checked value, a line of the user's file).
struct CLIFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = maskIDNumbers(in: d) }
}

enum CLI {
    /// True when stdout is a terminal and NO_COLOR is not set.
    static var colorOutput: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    static func red(_ s: String, _ on: Bool) -> String { on ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    static func green(_ s: String, _ on: Bool) -> String { on ? "\u{1B}[32m\(s)\u{1B}[0m" : s }
    static func bold(_ s: String, _ on: Bool) -> String { on ? "\u{1B}[1m\(s)\u{1B}[0m" : s }

    /// Today in Asia/Shanghai (Rules' one "today", `CERTPACK_TODAY` for the tests).
    static func today() -> CivilDate { CivilDate.today() }

    static func parseDate(_ s: String?) throws -> CivilDate? {
        guard let s else { return nil }
        guard let d = CivilDate(s) else { throw CLIFailure("日期「\(s)」有误，应为 YYYY-MM-DD，如 2026-12-07") }
        return d
    }

    static func loadApplication(_ path: String) throws -> Application {
        do { return try ApplicationLoader.load(url: URL(fileURLWithPath: path)) } catch {
            throw CLIFailure("\(error)")
        }
    }

    /// Writes a line to standard error, ID numbers masked.
    static func printErr(_ s: String) {
        FileHandle.standardError.write(Data((maskIDNumbers(in: s) + "\n").utf8))
    }

    /// Prints `message` on standard error and exits with `code` (2: nothing could be done).
    static func fail(_ message: String, code: Int32 = 2) -> ExitCode {
        printErr(message)
        return ExitCode(code)
    }

    /// Opens and locks the output folder; a second run, or a folder that cannot be used
    /// (输出路径是一个文件, 目录只读…), ends the command with exit 2 and the reason.
    static func openOutput(_ path: URL) throws -> OutputFolder {
        do { return try OutputFolder(path) } catch {
            throw fail("错误：\(error)")
        }
    }
}

/// The project's data folders: `Templates/` as `TemplatesLocator` finds it, `Fonts/` beside it.
enum ProjectFolders {
    /// The folder holding Templates/, Fonts/ and Examples/.
    static func root(templates: String? = nil) throws -> URL {
        do { return try TemplatesLocator.locate(explicit: templates).deletingLastPathComponent() } catch { throw CLIFailure("\(error)") }
    }

    static func fonts(templates: String? = nil) throws -> URL {
        try root(templates: templates).appendingPathComponent("Fonts")
    }
}
