import Foundation
import Rules
import Typeset
import Yams

/// A template that cannot be used: names the file, the line and what is wrong.
public struct TemplateError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var message: String
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    /// `Templates/forms/unit-application.yaml:42: unknown field 'organisation.name' …`
    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + message }
}

/// Reads form templates from YAML.
///
/// Format (lengths in millimetres):
/// ```yaml
/// kind: unitApplication            # cover | unitApplication | institutionApplication | holderAppendix | authorization
/// title: 单位数字证书申请表
/// project: 深圳医保在线签约
/// copyMarks: [第一联 深圳CA留存, 第二联 客户存根]   # optional: the page once per mark
/// margins: {top: 20, right: 20, bottom: 20, left: 20}
/// footer: {left: "单位名称：{{organization.name}}", right: "第 {{page.number}} 页 / 共 {{page.count}} 页"}
/// blocks:
///   - grid:
///       columns: [9, 27, 53, 27, 54]             # the first column holds group headings
///       groups:
///         - heading: 机构信息
///           when: {services: [renew, change]}    # optional, also on rows and blocks
///           rows:
///             - height: 8
///               cells:
///                 - {label: 单位名称}
///                 - {value: organization.name, span: 3}
///                 - {value: organization.address, minSize: 9}   # wrap rather than shrink below 9 pt
///                 - {ticks: service, options: [{value: new, label: 新办}, …]}
///                 - {text: "{{certificates.personal.years}} 年"}
///                 - {box: 申请单位（盖章）, note: "年　　月　　日"}
///                 - {blank: true}
///   - paragraph: {text: "本人{{person.name}}……", size: 12, leading: 1.9, indent: 2}
///   - table:
///       each: holders                             # holders | change.items | checklist.documents | fees.items
///       headerHeight: 9
///       rowHeight: 10
///       columns:
///         - {header: 序号, width: 10, text: "{{row.number}}"}
///         - {header: 本人签字, width: 25, blank: true}
///   - spacer: 4
/// ```
public enum TemplateLoader {
    /// Loads and validates one template file.
    public static func load(url: URL, displayName: String? = nil) throws -> FormTemplate {
        let name = displayName ?? url.path
        let text: String
        do { text = try InputFile.readText(url, limit: InputFile.templateLimit) } catch let e as InputFile.Refusal {
            throw TemplateError(file: name, line: nil, message: e.reason)
        } catch {
            throw TemplateError(file: name, line: nil, message: "cannot read the template: \(error.localizedDescription)")
        }
        return try parse(text, file: name)
    }

    /// Parses and validates template text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> FormTemplate {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw TemplateError(file: file, line: nil, message: "the template is empty")
            }
            root = node
        } catch let e as YamlError {
            switch e {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                throw TemplateError(file: file, line: mark.line, message: "YAML syntax error: \(problem)")
            default:
                throw TemplateError(file: file, line: nil, message: "YAML error: \(e)")
            }
        }
        return try Parser(file: file).template(root)
    }
}

/// A YAML mapping with the node it came from, so a missing key is reported at the mapping's line.
private struct Map {
    let node: Node
    let what: String
    let file: String
    var entries: [String: Node] = [:]
    subscript(key: String) -> Node? { entries[key] }
    var count: Int { entries.count }
    var first: (key: String, value: Node)? { entries.first }
    func need(_ key: String) throws -> Node {
        guard let n = entries[key] else {
            throw TemplateError(file: file, line: node.mark?.line, message: "\(what): '\(key)' is missing")
        }
        return n
    }
}

/// Walks the YAML node tree, so every error can name the line of the node at fault.
private struct Parser {
    let file: String

    func fail(_ node: Node?, _ message: String) -> TemplateError {
        TemplateError(file: file, line: node?.mark?.line, message: message)
    }

    /// The mapping of `node`, checking that it has only `known` keys.
    func mapping(_ node: Node, _ what: String, known: [String]) throws -> Map {
        guard let m = node.mapping else { throw fail(node, "\(what) must be a mapping") }
        var out = Map(node: node, what: what, file: file)
        for (k, v) in m {
            guard let key = k.scalar?.string else { throw fail(k, "\(what): keys must be plain words") }
            guard known.contains(key) else {
                throw fail(k, "\(what): unknown key '\(key)'; expected one of \(known.joined(separator: ", "))")
            }
            out.entries[key] = v
        }
        return out
    }

    func string(_ node: Node?, _ what: String) throws -> String {
        guard let node else { throw fail(nil, "\(what) is missing") }
        guard let s = node.scalar?.string else { throw fail(node, "\(what) must be text") }
        return s
    }

    func number(_ node: Node?, _ what: String, range: ClosedRange<Double> = 0...1000) throws -> Double {
        guard let node else { throw fail(nil, "\(what) is missing") }
        guard let s = node.scalar?.string, let v = Double(s) else {
            throw fail(node, "\(what) must be a number, not '\(node.scalar?.string ?? "a collection")'")
        }
        guard range.contains(v) else { throw fail(node, "\(what) must be between \(fmt(range.lowerBound)) and \(fmt(range.upperBound)), not \(s)") }
        return v
    }

    func fmt(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    func sequence(_ node: Node?, _ what: String) throws -> [Node] {
        guard let node else { throw fail(nil, "\(what) is missing") }
        guard let s = node.sequence else { throw fail(node, "\(what) must be a list") }
        return Array(s)
    }

    func interpolation(_ node: Node, _ what: String, allowed: Set<FieldScope>) throws -> Interpolation {
        let text = try string(node, what)
        let interp: Interpolation
        do { interp = try Interpolation(parsing: text) } catch { throw fail(node, "\(what): \(error.message)") }
        for f in interp.fields { try checkField(f, node, allowed) }
        return interp
    }

    func checkField(_ path: String, _ node: Node, _ allowed: Set<FieldScope>) throws {
        if let problem = Fields.problem(with: path, allowed: allowed) { throw fail(node, problem) }
    }

    func align(_ node: Node?) throws -> TextStyle.HAlign? {
        guard let node else { return nil }
        switch try string(node, "align") {
        case "left": return .left
        case "center", "centre": return .center
        case "right": return .right
        case let other: throw fail(node, "align must be left, center or right, not '\(other)'")
        }
    }

    // MARK: - Template

    func template(_ root: Node) throws -> FormTemplate {
        let m = try mapping(root, "template", known: ["kind", "title", "project", "copyMarks", "margins", "footer", "continuation", "blocks"])
        let kindText = try string(try m.need("kind"), "kind")
        guard let kind = FormTemplate.Kind(rawValue: kindText) else {
            throw fail(m["kind"], "kind must be one of \(FormTemplate.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(kindText)'")
        }
        var scopes: Set<FieldScope> = [.application]
        if kind == .authorization { scopes.insert(.person) }
        var margins = Margins(top: mm(20), right: mm(20), bottom: mm(20), left: mm(20))
        if let node = m["margins"] {
            let mm_ = try mapping(node, "margins", known: ["top", "right", "bottom", "left"])
            if let v = mm_["top"] { margins.top = mm(try number(v, "margins.top", range: 5...80)) }
            if let v = mm_["right"] { margins.right = mm(try number(v, "margins.right", range: 5...80)) }
            if let v = mm_["bottom"] { margins.bottom = mm(try number(v, "margins.bottom", range: 5...80)) }
            if let v = mm_["left"] { margins.left = mm(try number(v, "margins.left", range: 5...80)) }
        }
        var footerLeft = Interpolation(parts: [.field("organization.name")])
        var footerRight = Interpolation(parts: [.literal("第 "), .field("page.number"), .literal(" 页 / 共 "), .field("page.count"), .literal(" 页")])
        if let node = m["footer"] {
            let f = try mapping(node, "footer", known: ["left", "right"])
            let footerScopes = scopes.union([.page])
            if let l = f["left"] { footerLeft = try interpolation(l, "footer.left", allowed: footerScopes) }
            if let r = f["right"] { footerRight = try interpolation(r, "footer.right", allowed: footerScopes) }
        }
        let copyMarks = try m["copyMarks"].map { try sequence($0, "copyMarks").map { try string($0, "copy mark") } } ?? []
        let blocks = try sequence(try m.need("blocks"), "blocks").map { try block($0, scopes: scopes) }
        guard !blocks.isEmpty else { throw fail(m["blocks"], "blocks: a form needs at least one block") }
        // Columns must fit between the margins.
        let textWidth = Size.a4.width - margins.left - margins.right
        for (block, node) in zip(blocks, try sequence(try m.need("blocks"), "blocks")) {
            let total: Double
            switch block {
            case let .grid(g): total = g.columns.reduce(0, +)
            case let .table(t): total = t.columns.reduce(0) { $0 + $1.width }
            default: continue
            }
            if total > textWidth + 0.5 {
                throw fail(
                    node,
                    "the columns add up to \(fmt((total * 25.4 / 72 * 10).rounded() / 10)) mm but the text block between the margins is \(fmt((textWidth * 25.4 / 72 * 10).rounded() / 10)) mm"
                )
            }
        }
        return FormTemplate(
            file: file, kind: kind, title: try string(try m.need("title"), "title"),
            project: try m["project"].map { try string($0, "project") } ?? "深圳医保在线签约",
            copyMarks: copyMarks, margins: margins, footerLeft: footerLeft, footerRight: footerRight,
            continuation: try m["continuation"].map { try string($0, "continuation") } ?? "（续页）",
            blocks: blocks)
    }

    func condition(_ node: Node?, scopes: Set<FieldScope>) throws -> Condition {
        guard let node else { return .always }
        let m = try mapping(node, "when", known: ["services", "present"])
        var c = Condition(services: nil, present: [], line: node.mark?.line ?? 0)
        if let s = m["services"] {
            c.services = try sequence(s, "when.services").map { n in
                let t = try string(n, "service")
                guard let svc = Service.parse(t) else {
                    throw fail(n, "unknown service '\(t)'; expected one of \(Service.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return svc
            }
        }
        if let p = m["present"] {
            c.present = try sequence(p, "when.present").map { n in
                let path = try string(n, "field")
                try checkField(path, n, scopes)
                return path
            }
        }
        return c
    }

    func block(_ node: Node, scopes: Set<FieldScope>) throws -> Block {
        let m = try mapping(node, "block", known: ["grid", "paragraph", "table", "spacer"])
        guard m.count == 1, let (key, body) = m.first else {
            throw fail(node, "a block is exactly one of grid, paragraph, table, spacer")
        }
        switch key {
        case "grid": return .grid(try grid(body, scopes: scopes))
        case "paragraph": return .paragraph(try paragraph(body, scopes: scopes))
        case "table": return .table(try table(body, scopes: scopes))
        default: return .spacer(mm(try number(body, "spacer", range: 0...200)))
        }
    }

    func grid(_ node: Node, scopes: Set<FieldScope>) throws -> Grid {
        let m = try mapping(node, "grid", known: ["columns", "groups", "when"])
        let columns = try sequence(try m.need("columns"), "grid.columns").map { mm(try number($0, "column width", range: 1...300)) }
        guard !columns.isEmpty else { throw fail(m["columns"], "grid.columns: at least one column") }
        let groupNodes = try sequence(try m.need("groups"), "grid.groups")
        var groups: [Group] = []
        for g in groupNodes {
            let gm = try mapping(g, "group", known: ["heading", "rows", "when"])
            let heading = try gm["heading"].map { try string($0, "heading") }
            let firstColumn = heading == nil ? 0 : 1
            var rows: [Row] = []
            for r in try sequence(try gm.need("rows"), "group.rows") {
                let rm = try mapping(r, "row", known: ["height", "cells", "when"])
                let height = mm(try number(try rm.need("height"), "row.height", range: 3...250))
                var cells: [Cell] = []
                var used = firstColumn
                for c in try sequence(try rm.need("cells"), "row.cells") {
                    let cell = try self.cell(c, scopes: scopes)
                    used += cell.span
                    cells.append(cell)
                }
                if used != columns.count {
                    throw fail(
                        r,
                        "row spans \(used) columns (\(firstColumn == 1 ? "1 for the heading + " : "")cells with their spans) but the grid has \(columns.count)"
                    )
                }
                rows.append(Row(height: height, cells: cells, when: try condition(rm["when"], scopes: scopes), line: r.mark?.line ?? 0))
            }
            groups.append(Group(heading: heading, rows: rows, when: try condition(gm["when"], scopes: scopes), line: g.mark?.line ?? 0))
        }
        return Grid(columns: columns, groups: groups, when: try condition(m["when"], scopes: scopes), line: node.mark?.line ?? 0)
    }

    func cell(_ node: Node, scopes: Set<FieldScope>) throws -> Cell {
        let m = try mapping(
            node, "cell",
            known: ["label", "value", "placeholder", "text", "ticks", "options", "box", "note", "blank", "span", "align", "size", "minSize"])
        let contentKeys = ["label", "value", "text", "ticks", "box", "blank"].filter { m[$0] != nil }
        guard contentKeys.count == 1 else {
            throw fail(
                node,
                "a cell has exactly one of label, value, text, ticks, box, blank (found \(contentKeys.isEmpty ? "none" : contentKeys.joined(separator: ", ")))"
            )
        }
        let content: CellContent
        switch contentKeys[0] {
        case "label": content = .label(try string(try m.need("label"), "label"))
        case "value":
            let n = m["value"]!
            let path = try string(n, "value")
            try checkField(path, n, scopes)
            content = .value(path: path, placeholder: try m["placeholder"].map { try string($0, "placeholder") })
        case "text":
            content = .text(
                try interpolation(m["text"]!, "text", allowed: scopes), placeholder: try m["placeholder"].map { try string($0, "placeholder") })
        case "ticks":
            let n = m["ticks"]!
            let path = try string(n, "ticks")
            guard let choice = Fields.choices[path] else {
                throw fail(n, "ticks: '\(path)' is not a choice field; tick rows bind one of \(Fields.choices.keys.sorted().joined(separator: ", "))")
            }
            let options = try sequence(try m.need("options"), "ticks.options").map { o in
                let om = try mapping(o, "option", known: ["value", "label"])
                let value = try string(try om.need("value"), "option.value")
                guard choice.values.contains(value) else {
                    throw fail(o, "option value '\(value)' is not a value of \(path); expected one of \(choice.values.joined(separator: ", "))")
                }
                return TickOption(value: value, label: try string(try om.need("label"), "option.label"))
            }
            guard !options.isEmpty else { throw fail(n, "ticks: at least one option") }
            content = .ticks(path: path, options: options)
        case "box":
            content = .box(
                caption: try string(try m.need("box"), "box"),
                note: try m["note"].map { try interpolation($0, "note", allowed: scopes) })
        default:
            content = .blank
        }
        let span = try m["span"].map { Int(try number($0, "span", range: 1...20)) } ?? 1
        return Cell(
            content: content, span: span, align: try align(m["align"]),
            size: try m["size"].map { try number($0, "size", range: 5...40) },
            minSize: try m["minSize"].map { try number($0, "minSize", range: 5...40) }, line: node.mark?.line ?? 0)
    }

    func paragraph(_ node: Node, scopes: Set<FieldScope>) throws -> Paragraph {
        let m = try mapping(node, "paragraph", known: ["text", "size", "leading", "align", "indent", "font", "when"])
        let role: FontRole
        switch try m["font"].map({ try string($0, "font") }) ?? "serif" {
        case "serif": role = .serif
        case "sans": role = .sans
        case let other: throw fail(m["font"], "font must be serif or sans, not '\(other)'")
        }
        return Paragraph(
            text: try interpolation(try m.need("text"), "paragraph.text", allowed: scopes),
            role: role,
            size: try m["size"].map { try number($0, "size", range: 5...40) } ?? 10.5,
            leading: try m["leading"].map { try number($0, "leading", range: 1...4) } ?? 1.6,
            align: try align(m["align"]) ?? .left,
            indent: try m["indent"].map { try number($0, "indent", range: 0...8) } ?? 0,
            when: try condition(m["when"], scopes: scopes), line: node.mark?.line ?? 0)
    }

    func table(_ node: Node, scopes: Set<FieldScope>) throws -> RepeatTable {
        let m = try mapping(node, "table", known: ["each", "columns", "headerHeight", "rowHeight", "grows", "minRows", "when"])
        let eachText = try string(try m.need("each"), "table.each")
        guard let collection = Collection(rawValue: eachText) else {
            throw fail(m["each"], "table.each must be one of \(Collection.allCases.map(\.rawValue).joined(separator: ", ")), not '\(eachText)'")
        }
        let rowScopes = scopes.union([collection.scope, .row])
        let columns = try sequence(try m.need("columns"), "table.columns").map { c -> RepeatTable.Column in
            let cm = try mapping(c, "column", known: ["header", "width", "text", "tick", "blank", "align", "size"])
            let keys = ["text", "tick", "blank"].filter { cm[$0] != nil }
            guard keys.count == 1 else { throw fail(c, "a column has exactly one of text, tick, blank") }
            let content: RepeatTable.ColumnContent
            switch keys[0] {
            case "text": content = .text(try interpolation(cm["text"]!, "column.text", allowed: rowScopes))
            case "tick": content = .tickBox
            default: content = .blank
            }
            return RepeatTable.Column(
                header: try string(try cm.need("header"), "column.header"),
                width: mm(try number(try cm.need("width"), "column.width", range: 1...300)),
                content: content, align: try align(cm["align"]) ?? .center,
                size: try cm["size"].map { try number($0, "size", range: 5...40) } ?? 10.5, line: c.mark?.line ?? 0)
        }
        guard !columns.isEmpty else { throw fail(m["columns"], "table.columns: at least one column") }
        return RepeatTable(
            collection: collection, columns: columns,
            headerHeight: mm(try m["headerHeight"].map { try number($0, "headerHeight", range: 3...50) } ?? 9),
            rowHeight: mm(try m["rowHeight"].map { try number($0, "rowHeight", range: 3...100) } ?? 9),
            grows: try m["grows"].map { try string($0, "grows") == "true" } ?? false,
            minRows: try m["minRows"].map { Int(try number($0, "minRows", range: 0...100)) } ?? 0,
            when: try condition(m["when"], scopes: scopes), line: node.mark?.line ?? 0)
    }
}
