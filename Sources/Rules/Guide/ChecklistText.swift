/// Renders a checklist as Chinese text: for the terminal (colour optional) or as Markdown (清单.md).
/// ID numbers are masked.
public enum ChecklistText {
    public enum Style: Sendable, Equatable {
        case terminal(color: Bool)
        case markdown
    }

    public static func render(_ c: Checklist, style: Style) -> String {
        let w = Writer(style: style)
        var out: [String] = [w.md ? "# 深圳医保在线签约数字证书 办理清单\n" : w.bold("深圳医保在线签约数字证书 办理清单")]
        out += summary(c, w)
        out += warnings(c, w)
        out += documents(c, w)
        out += fees(c, w)
        out += visit(c, w)
        out += steps(c, w)
        return out.joined(separator: "\n") + "\n"
    }

    /// The markup of one style: Markdown, or the terminal with or without colour.
    struct Writer {
        var style: Style
        var md: Bool { style == .markdown }
        var color: Bool { if case let .terminal(c) = style { c } else { false } }
        func bold(_ s: String) -> String { md ? "**\(s)**" : color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        func warn(_ s: String) -> String { color ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
        func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
        func heading(_ s: String) -> String { md ? "\n## \(s)\n" : "\n" + bold("【\(s)】") }
        /// A `key：value` line of the summary.
        func field(_ k: String, _ v: String) -> String { md ? "- \(k)：\(v)" : "  \(k)：\(v)" }
    }

    /// Who applies for what: the organisation, the service, the people (IDs masked), the certificates.
    static func summary(_ c: Checklist, _ w: Writer) -> [String] {
        let app = c.application
        var out: [String] = []
        // Which service each certificate (each part of the personal kind, when split) follows.
        let applied = c.certificates
        let split = applied.contains { $0.service != app.service } || c.personalParts.count > 1
        let serviceText =
            split
            ? "\(app.service.label)（"
                + app.certificates.kinds.map { k in
                    let parts = applied.filter { $0.kind == k }
                    guard k == .personal, parts.count > 1 else { return "\(k.label)按\(parts.first?.service.label ?? app.service.label)" }
                    return "\(k.label)：" + parts.map { "\($0.holders.map(\.name).joined(separator: "、"))按\($0.service.label)" }.joined(separator: "、")
                }.joined(separator: "，") + "）"
            : app.service.label
        out.append(w.field("单位名称", app.organization.name))
        out.append(w.field("统一社会信用代码", app.organization.uscc))
        out.append(w.field("业务类型", serviceText))
        out.append(w.field("办理途径", app.channel.label + "（\(c.processing)；领取方式：\(c.collection)）"))
        out.append(
            w.field("法定代表人", "\(app.legalRepresentative.name)（\(app.legalRepresentative.idType.label) \(maskID(app.legalRepresentative.idNumber))）"))
        out.append(w.field("经办人", "\(app.handler.name)（\(app.handler.idType.label) \(maskID(app.handler.idNumber))，手机 \(app.handler.mobile)）"))
        out.append(w.field("证书", certificates(c)))
        if let items = app.change?.items, !items.isEmpty {
            out.append(w.field("变更事项", items.map { "\($0.item)：\($0.from) → \($0.to)" }.joined(separator: "；")))
        }
        if let s = app.existingCertificate?.serial, !s.isEmpty { out.append(w.field("原证书序列号", s)) }
        return out
    }

    /// The certificates as applied for (`Checklist.certificates`): years only where the service has terms
    /// (吊销 publishes none); the personal kind once per service part.
    static func certificates(_ c: Checklist) -> String {
        c.certificates.map { a in
            switch a.kind {
            case .odc: return CertKind.odc.label + (c.years[.odc].map { " \($0)年" } ?? "")
            case .personal:
                let part = c.personalParts.count > 1 ? "（\(a.service.label)）" : ""
                return CertKind.personal.label + part + (c.years[.personal].map { " \($0)年 ×" } ?? "")
                    + " \(a.holders.count)人（\(a.holders.map(\.name).joined(separator: "、"))）"
            }
        }.joined(separator: "；")
    }

    static func warnings(_ c: Checklist, _ w: Writer) -> [String] {
        guard !c.warnings.isEmpty else { return [] }
        return [w.heading("注意")] + c.warnings.map { w.md ? "> ⚠ \($0)" : w.warn("  ⚠ \($0)") }
    }

    /// The documents by group: forms, what to obtain, photocopies, originals, Ukeys, payment.
    static func documents(_ c: Checklist, _ w: Writer) -> [String] {
        let groups: [(String, ItemKind)] = [
            ("申请表（本程序打印）", .form), ("另行领取", .obtain), ("复印件", .photocopy),
            ("现场出示原件", .original), ("Ukey", .ukey), ("缴费", .payment),
        ]
        var out: [String] = []
        var n = 0
        for (title, kind) in groups {
            let items = c.documents.filter { $0.kind == kind }
            guard !items.isEmpty else { continue }
            out.append(w.heading(title))
            for item in items {
                n += 1
                var head = item.title
                switch kind {
                case .payment: break
                case .original: head += "（出示，核验后退回）"
                default: head += " × \(item.count)" + (item.form == .institutionApplication ? "联" : kind == .ukey ? "个" : "份")
                }
                if item.stamp { head += "  " + (w.md ? "【加盖单位公章】" : w.warn("【加盖单位公章】")) }
                out.append(w.md ? "- [ ] \(head)" : "  \(n). □ \(head)")
                var sub = item.notes
                if let s = item.signer { sub.append("签字：\(s)") }
                if let s = item.seal { sub.append("盖章：\(s)") }
                for s in sub { out.append(w.md ? "    - \(s)" : w.dim("       · \(s)")) }
            }
        }
        return out
    }

    static func fees(_ c: Checklist, _ w: Writer) -> [String] {
        var out = [w.heading("费用")]
        for f in c.fees.items {
            let amount = f.amount.map { "\($0) 元" } ?? "未公布"
            out.append(w.md ? "- \(f.label)：\(amount)" : "  \(f.label)  =  \(amount)")
        }
        let total = c.fees.total.map { "\($0) 元" } ?? "未公布（已知部分 \(c.fees.knownTotal) 元），请向深圳CA确认"
        out.append((w.md ? "- " : "  ") + w.bold("合计：\(total)"))
        return out
    }

    /// The verdict on the visit day (never 可办理 for a day before today), hours, proposal and notes.
    static func visit(_ c: Checklist, _ w: Writer) -> [String] {
        guard let v = c.visit else { return [] }
        var out = [w.heading(v.channel == .online ? "网上办理时效" : "办理时间与地点")]
        if v.channel == .onsite {
            let at = [v.date.description + "（\(v.date.weekdayLabel)）", v.time?.description, v.office?.name].compactMap { $0 }.joined(separator: " ")
            let status = verdict(v)
            out.append(w.md ? "- \(at)：" + w.bold(status) : "  \(at)：" + (v.complete ? w.bold(status) : w.warn(status)))
            if let o = v.office, v.complete { out.append(w.field("服务时间", o.hours)) }
            if let p = v.proposal { out.append(w.field("建议受理点服务时间", p.office.hours)) }
        }
        for note in v.notes { out.append(w.md ? "- \(note)" : "  · \(note)") }
        return out
    }

    /// What the visit day allows, in a few words.
    static func verdict(_ v: VisitPlan) -> String {
        switch v.status {
        case .complete: "可办理全部业务"
        case .partial: "只能办理部分业务：\(v.doable.map(\.label).joined(separator: "、"))"
        case .none: "不能办理"
        case .past: "日期已过，不能办理"
        case .notCovered: "\(v.date.year) 年节假日安排尚未公布，请先电话确认"
        case .uncertain: "未确定：\(v.uncertainty ?? "")"
        }
    }

    static func steps(_ c: Checklist, _ w: Writer) -> [String] {
        guard !c.steps.isEmpty else { return [] }
        return [w.heading("办理步骤")] + c.steps.enumerated().map { i, s in w.md ? "\(i + 1). \(s)" : "  \(i + 1). \(s)" }
    }
}
