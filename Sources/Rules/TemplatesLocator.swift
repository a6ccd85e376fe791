import Foundation

/// Finds the `Templates/` directory: `--templates DIR`, else `$CERTPACK_TEMPLATES`, else
/// `Templates` in the current directory, else a `Templates` beside the executable or any of its
/// parents (the binary lives in `.build/<config>/certpack` inside the repo).
public enum TemplatesLocator {
    public struct NotFound: Error, CustomStringConvertible {
        public var tried: [String]
        public var description: String {
            "找不到 Templates 目录（需含 catalog.yaml）；已查找：\(tried.joined(separator: "、"))。请用 --templates DIR 或环境变量 CERTPACK_TEMPLATES 指定"
        }
    }

    /// - Parameters:
    ///   - explicit: the `--templates` option, if given (must exist).
    ///   - environment: defaults to the process environment.
    ///   - currentDirectory: defaults to the process's.
    ///   - executable: defaults to the running executable.
    public static func locate(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        executable: URL? = Bundle.main.executableURL
    ) throws -> URL {
        var tried: [String] = []
        func ok(_ url: URL) -> Bool {
            tried.append(url.path)
            return FileManager.default.fileExists(atPath: url.appendingPathComponent("catalog.yaml").path)
        }
        if let e = explicit {
            let u = URL(fileURLWithPath: e, relativeTo: currentDirectory).standardizedFileURL
            if ok(u) { return u }
            throw NotFound(tried: tried)
        }
        if let e = environment["CERTPACK_TEMPLATES"], !e.isEmpty {
            let u = URL(fileURLWithPath: e, relativeTo: currentDirectory).standardizedFileURL
            if ok(u) { return u }
            throw NotFound(tried: tried)
        }
        let here = currentDirectory.appendingPathComponent("Templates")
        if ok(here) { return here }
        if let exe = executable?.resolvingSymlinksInPath() {
            var dir = exe.deletingLastPathComponent()
            while dir.path != "/" && !dir.path.isEmpty {
                let u = dir.appendingPathComponent("Templates")
                if ok(u) { return u }
                dir = dir.deletingLastPathComponent()
            }
        }
        throw NotFound(tried: tried)
    }
}
