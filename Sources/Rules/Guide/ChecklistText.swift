/// Renders a checklist as Chinese text: for the terminal (colour optional) or as Markdown (清单.md).
/// ID numbers are masked.
public enum ChecklistText {
    public enum Style: Sendable, Equatable {
        case terminal(color: Bool)
        case markdown
    }

    public static func render(_ c: Checklist, style: Style) -> String {
        let md = style == .markdown
        let color: Bool = { if case let .terminal(c) = style { c } else { false } }()
        func bold(_ s: String) -> String { md ? "**\(s)**" : color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        func warn(_ s: String) -> String { color ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
        func dim(_ s: String) -> String { color ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
        func heading(_ s: String) -> String { md ? "\n## \(s)\n" : "\n" + bold("【\(s)】") }
        let app = c.application
        var out: [String] = []

        out.append(md ? "# 深圳医保在线签约数字证书 办理清单\n" : bold("深圳医保在线签约数字证书 办理清单"))
        // Which service each kind (each part of the personal kind, when split) follows.
        func follows(_ k: CertKind) -> String {
            guard k == .personal, c.personalParts.count > 1 else { return "\(k.label)按\(c.services[k]!.label)" }
            return "\(k.label)：" + c.personalParts.map { "\($0.holders.map(\.name).joined(separator: "、"))按\($0.service.label)" }.joined(separator: "、")
        }
        let serviceText = c.services.values.contains(where: { $0 != app.service }) || c.personalParts.count > 1
            ? "\(app.service.label)（" + app.certificates.kinds.map(follows).joined(separator: "，") + "）"
            : app.service.label
        let lines = [
            ("单位名称", app.organization.name),
            ("统一社会信用代码", app.organization.uscc),
            ("业务类型", serviceText),
            ("办理途径", app.channel.label + "（\(c.processing)；领取方式：\(c.collection)）"),
            ("法定代表人", "\(app.legalRepresentative.name)（\(app.legalRepresentative.idType.label) \(maskID(app.legalRepresentative.idNumber))）"),
            ("经办人", "\(app.handler.name)（\(app.handler.idType.label) \(maskID(app.handler.idNumber))，手机 \(app.handler.mobile)）"),
        ]
        for (k, v) in lines { out.append(md ? "- \(k)：\(v)" : "  \(k)：\(v)") }
        // Years only where the service has terms (吊销 publishes none).
        var certs: [String] = []
        if app.certificates.odc != nil { certs.append(CertKind.odc.label + (c.years[.odc].map { " \($0)年" } ?? "")) }
        if app.certificates.personal != nil {
            certs.append(CertKind.personal.label + (c.years[.personal].map { " \($0)年 ×" } ?? "")
                         + " \(app.personalHolders.count)人（\(app.personalHolders.map(\.name).joined(separator: "、"))）")
        }
        out.append(md ? "- 证书：\(certs.joined(separator: "；"))" : "  证书：\(certs.joined(separator: "；"))")
        if let items = app.change?.items, !items.isEmpty {
            let t = items.map { "\($0.item)：\($0.from) → \($0.to)" }.joined(separator: "；")
            out.append(md ? "- 变更事项：\(t)" : "  变更事项：\(t)")
        }
        if let s = app.existingCertificate?.serial, !s.isEmpty { out.append(md ? "- 原证书序列号：\(s)" : "  原证书序列号：\(s)") }

        if !c.warnings.isEmpty {
            out.append(heading("注意"))
            for w in c.warnings { out.append(md ? "> ⚠ \(w)" : warn("  ⚠ \(w)")) }
        }

        let groups: [(String, ItemKind)] = [("申请表（本程序打印）", .form), ("另行领取", .obtain), ("复印件", .photocopy),
                                            ("现场出示原件", .original), ("Ukey", .ukey), ("缴费", .payment)]
        var n = 0
        for (title, kind) in groups {
            let items = c.documents.filter { $0.kind == kind }
            guard !items.isEmpty else { continue }
            out.append(heading(title))
            for item in items {
                n += 1
                var head = item.title
                switch kind {
                case .payment: break
                case .original: head += "（出示，核验后退回）"
                default: head += " × \(item.count)" + (item.form == .institutionApplication ? "联" : kind == .ukey ? "个" : "份")
                }
                if item.stamp { head += "  " + (md ? "【加盖单位公章】" : warn("【加盖单位公章】")) }
                out.append(md ? "- [ ] \(head)" : "  \(n). □ \(head)")
                var sub = item.notes
                if let s = item.signer { sub.append("签字：\(s)") }
                if let s = item.seal { sub.append("盖章：\(s)") }
                for s in sub { out.append(md ? "    - \(s)" : dim("       · \(s)")) }
            }
        }

        out.append(heading("费用"))
        for f in c.fees.items {
            let amount = f.amount.map { "\($0) 元" } ?? "未公布"
            out.append(md ? "- \(f.label)：\(amount)" : "  \(f.label)  =  \(amount)")
        }
        let total = c.fees.total.map { "\($0) 元" } ?? "未公布（已知部分 \(c.fees.knownTotal) 元），请向深圳CA确认"
        out.append(md ? "- " + bold("合计：\(total)") : "  " + bold("合计：\(total)"))

        if let v = c.visit {
            out.append(heading(v.channel == .online ? "网上办理时效" : "办理时间与地点"))
            if v.channel == .onsite {
                let status: String
                switch v.status {
                case .complete: status = "可办理全部业务"
                case .partial: status = "只能办理部分业务：\(v.doable.map(\.label).joined(separator: "、"))"
                case .none: status = "不能办理"
                case .notCovered: status = "节假日安排未收录，无法判断"
                case .uncertain: status = "未确定：\(v.uncertainty ?? "")"
                }
                let at = [v.date.description + "（\(v.date.weekdayLabel)）", v.time?.description, v.office?.name].compactMap { $0 }.joined(separator: " ")
                out.append(md ? "- \(at)：" + bold(status) : "  \(at)：" + (v.complete ? bold(status) : warn(status)))
                if let o = v.office, v.complete { out.append(md ? "- 服务时间：\(o.hours)" : "  服务时间：\(o.hours)") }
                if let p = v.proposal {
                    out.append(md ? "- 建议受理点服务时间：\(p.office.hours)" : "  建议受理点服务时间：\(p.office.hours)")
                }
            }
            for note in v.notes { out.append(md ? "- \(note)" : "  · \(note)") }
        }

        if !c.steps.isEmpty {
            out.append(heading("办理步骤"))
            for (i, s) in c.steps.enumerated() { out.append(md ? "\(i + 1). \(s)" : "  \(i + 1). \(s)") }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
