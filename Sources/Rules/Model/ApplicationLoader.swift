import Foundation
import Yams

/// Why an application file could not be read: names the file, the line (when the parser gives
/// one) and the field path (`handler.mobile`, `[2].organization.uscc`).
public struct ApplicationLoadError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var line: Int?
    public var field: String?
    public var message: String
    public init(source: String, line: Int? = nil, field: String? = nil, message: String) {
        self.source = source
        self.line = line
        self.field = field
        self.message = message
    }
    /// `Examples/a.yaml:12: handler.mobile: 缺少必填字段`
    public var description: String {
        var s = source
        if let line { s += ":\(line)" }
        if let field, !field.isEmpty { s += ": \(field)" }
        return s + ": " + message
    }
}

/// Reads applications from YAML or JSON. Every application read is normalised (`Normaliser`):
/// full-width digits become half-width, IDs and codes uppercase, spaces around values go.
public enum ApplicationLoader {
    public enum Format: Sendable {
        case yaml, json
        /// `.json` for a `.json` file, else YAML.
        public static func of(_ url: URL) -> Format { url.pathExtension.lowercased() == "json" ? .json : .yaml }
    }

    /// Loads one application from a `.yaml`/`.yml`/`.json` file.
    /// Picture paths under `copies` are taken relative to the file.
    public static func load(url: URL) throws -> Application {
        var app = try decode(read(url), format: .of(url), source: url.relativePath)
        app.copies = app.copies?.resolved(against: url.deletingLastPathComponent())
        return app
    }

    /// Loads a list of applications: a top-level sequence, or a mapping with an `applications` list.
    public static func loadList(url: URL) throws -> [Application] {
        try decodeList(read(url), format: .of(url), source: url.relativePath).map { app in
            var app = app
            app.copies = app.copies?.resolved(against: url.deletingLastPathComponent())
            return app
        }
    }

    /// Decodes one application; `source` names it in errors.
    public static func decode(_ text: String, format: Format, source: String) throws -> Application {
        Normaliser.normalise(try decodeValue(Application.self, text, format: format, source: source, prefix: []))
    }

    /// Decodes a list of applications; error field paths start with the record index, `[2].handler.mobile`.
    public static func decodeList(_ text: String, format: Format, source: String) throws -> [Application] {
        struct Wrapped: Decodable {
            var applications: [Application]
            enum CodingKeys: String, CodingKey, CaseIterable { case applications }
            init(from decoder: any Decoder) throws {
                try decoder.refuseUnknownKeys(CodingKeys.self)
                applications = try decoder.container(keyedBy: CodingKeys.self).decode([Application].self, forKey: .applications)
            }
        }
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        let isMapping: Bool
        if format == .json {
            isMapping = trimmed.first == "{"
        } else {
            isMapping = ((try? Yams.compose(yaml: text)) ?? nil)?.mapping != nil
        }
        if isMapping {
            return try decodeValue(Wrapped.self, text, format: format, source: source, prefix: []).applications.map(Normaliser.normalise)
        }
        return try decodeValue([Application].self, text, format: format, source: source, prefix: []).map(Normaliser.normalise)
    }

    /// Decodes a list record by record: a record that cannot be decoded becomes its error (with its
    /// line and field), the others are kept — one bad record does not spoil a batch. A file that is
    /// not a list at all, or not YAML/JSON, still throws.
    public static func decodeListByRecord(_ text: String, format: Format, source: String) throws -> [Result<Application, ApplicationLoadError>] {
        struct Record: Decodable {
            let result: Result<Application, DecodingError>
            init(from decoder: any Decoder) throws {
                do { result = .success(try Application(from: decoder)) } catch let e as DecodingError { result = .failure(e) }
            }
        }
        struct Wrapped: Decodable {
            var applications: [Record]
            enum CodingKeys: String, CodingKey, CaseIterable { case applications }
            init(from decoder: any Decoder) throws {
                try decoder.refuseUnknownKeys(CodingKeys.self)
                applications = try decoder.container(keyedBy: CodingKeys.self).decode([Record].self, forKey: .applications)
            }
        }
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        let isMapping = format == .json ? trimmed.first == "{" : ((try? Yams.compose(yaml: text)) ?? nil)?.mapping != nil
        let records =
            isMapping
            ? try decodeValue(Wrapped.self, text, format: format, source: source, prefix: []).applications
            : try decodeValue([Record].self, text, format: format, source: source, prefix: [])
        return records.map { $0.result.map(Normaliser.normalise).mapError { explain($0, text: text, source: source) } }
    }

    /// `decodeListByRecord` on a file.
    public static func loadListByRecord(url: URL) throws -> [Result<Application, ApplicationLoadError>] {
        try decodeListByRecord(read(url, limit: InputFile.batchLimit), format: .of(url), source: url.relativePath).map { record in
            record.map { app in
                var app = app
                app.copies = app.copies?.resolved(against: url.deletingLastPathComponent())
                return app
            }
        }
    }

    static func read(_ url: URL, limit: Int = InputFile.templateLimit) throws -> String {
        let data: Data
        do { data = try InputFile.read(url, limit: limit) } catch let e as InputFile.Refusal {
            throw ApplicationLoadError(source: url.relativePath, message: e.reason)
        } catch {
            throw ApplicationLoadError(source: url.relativePath, message: unreadable(url))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ApplicationLoadError(
                source: url.relativePath,
                message: data.contains(0)
                    ? "这不是文本文件：申请数据应为 YAML 或 JSON 文本（见 Examples/）"
                    : "文件不是 UTF-8 文本：请用 UTF-8 编码保存（记事本「另存为」→ 编码选 UTF-8）")
        }
        return text
    }

    /// Why a file cannot be read, in Chinese (Foundation's reason is English): missing, a folder, or not readable.
    public static func unreadable(_ url: URL) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return "找不到这个文件，请检查路径" }
        if isFolder.boolValue { return "这是一个文件夹，不是文件" }
        return "无法读取文件（没有读取权限？）"
    }

    static func decodeValue<T: Decodable>(_ type: T.Type, _ text: String, format: Format, source: String, prefix: [String]) throws -> T {
        do {
            switch format {
            case .yaml: return try YAMLDecoder().decode(T.self, from: text)
            case .json: return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            }
        } catch let e as DecodingError {
            throw explain(e, text: text, source: source)
        } catch let e as YamlError {
            throw explain(e, source: source)
        } catch {
            throw ApplicationLoadError(source: source, message: "\(error)")
        }
    }

    static func explain(_ e: YamlError, source: String) -> ApplicationLoadError {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return ApplicationLoadError(source: source, line: mark.line, message: "YAML 语法错误：\(problem)（第\(mark.line)行第\(mark.column)列）")
        default:
            return ApplicationLoadError(source: source, message: "YAML 错误：\(e)")
        }
    }

    static func explain(_ e: DecodingError, text: String, source: String) -> ApplicationLoadError {
        let keys: [any CodingKey]
        let message: String
        var nodeKeys: [any CodingKey]
        switch e {
        case let .keyNotFound(key, ctx):
            keys = ctx.codingPath + [key]
            nodeKeys = ctx.codingPath
            message = "缺少必填字段「\(key.stringValue)」"
        case let .typeMismatch(type, ctx):
            keys = ctx.codingPath
            nodeKeys = keys
            message = "类型不符：应为\(typeName(type))" + (type == String.self ? "（号码、编码请加引号，如 \"13823456789\"；不加引号的长数字会被当作数值而丢失位数）" : "")
        case let .valueNotFound(type, ctx):
            keys = ctx.codingPath
            nodeKeys = keys
            message = "值为空：应为\(typeName(type))"
        case let .dataCorrupted(ctx):
            keys = ctx.codingPath
            nodeKeys = keys
            if keys.isEmpty, let y = ctx.underlyingError as? YamlError {
                return explain(y, source: source)
            }
            if keys.isEmpty {
                // A JSON syntax error: JSONSerialization's message may carry the line.
                let underlying = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return ApplicationLoadError(source: source, line: jsonLine(underlying), message: "JSON 格式错误：\(underlying ?? ctx.debugDescription)")
            }
            message = ctx.debugDescription
        @unknown default:
            return ApplicationLoadError(source: source, message: "\(e)")
        }
        if nodeKeys.isEmpty, case .keyNotFound = e { nodeKeys = [] }
        return ApplicationLoadError(source: source, line: line(of: nodeKeys, in: text), field: CatalogLoader.path(keys), message: message)
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: "文本"
        case is Int.Type: "整数"
        case is Bool.Type: "true/false"
        case is [Any].Type: "列表"
        default: t is [String: Any].Type ? "映射" : "\(t)"
        }
    }

    /// The line of the node at a coding path, found by composing the text as YAML (JSON is YAML).
    static func line(of path: [any CodingKey], in text: String) -> Int? {
        guard let root = (try? Yams.compose(yaml: text)) ?? nil else { return nil }
        var node = root
        var best = node.mark?.line
        for key in path {
            var next: Node?
            if let i = key.intValue, let seq = node.sequence, i < seq.count { next = seq[i] } else { next = node.mapping?[key.stringValue] }
            guard let n = next else { break }
            node = n
            if let l = n.mark?.line { best = l }
        }
        return best
    }

    static func jsonLine(_ message: String?) -> Int? {
        guard let m = message, let r = m.range(of: "line ") else { return nil }
        return Int(m[r.upperBound...].prefix { $0.isNumber })
    }
}
