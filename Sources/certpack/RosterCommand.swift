import ArgumentParser
import FileOutput
import Foundation
import Input
import Roster
import Rules

/// `certpack roster …`: the roster (机构库) — organisations, people, certificates and their expiry,
/// renewals — kept in one SQLite file only once the user creates it.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "机构库：记住单位、人员、证书与到期日，一条命令生成全部到期续期的申请材料。",
        discussion: """
            机构库是一个 SQLite 文件（仅本用户可读写），只有运行 certpack roster init 之后才建立与记录。
            位置：--roster PATH，否则 $CERTPACK_ROSTER，否则 $XDG_DATA_HOME/certpack/roster.sqlite
            （默认 ~/.local/share/certpack/roster.sqlite）。建立后，fill 与 batch 生成的每份申请材料
            都记入机构库（--no-roster 不记录）。

              certpack roster init
              certpack roster import 批量.xlsx                 # 申请数据 YAML/JSON、CSV 或 .xlsx
              certpack roster issued 91440300… --cert odc --serial 5A3F… --on 2026-12-07
              certpack roster list --due 60                    # 60 天内到期的证书
              certpack roster renew --due 60 -o Output/续期     # 全部到期的续期申请材料
              certpack roster calendar -o 到期.ics              # 日历：到期提醒与预约到访
            证件号码在所有列表中遮盖（show --full 显示全号）。
            """,
        subcommands: [
            RosterInit.self, RosterImport.self, RosterList.self, RosterShow.self, RosterIssued.self, RosterRevoked.self,
            RosterRenew.self, RosterCalendarCommand.self, RosterExport.self, RosterBackup.self, RosterForget.self,
        ]
    )
}

/// `--roster PATH`: which roster file.
struct RosterOption: ParsableArguments {
    @Option(name: .long, help: "机构库文件（默认：$CERTPACK_ROSTER，或 $XDG_DATA_HOME/certpack/roster.sqlite）")
    var roster: String?

    var url: URL { RosterLocation.resolve(explicit: roster) }

    func open() throws -> Roster {
        do { return try Roster.open(at: url) } catch { throw CLI.fail("错误：\(error)", code: 2) }
    }
}

/// How a list is printed.
enum ListFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

struct RosterInit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "建立机构库（之前不记录任何信息）。")
    @OptionGroup var roster: RosterOption

    func run() throws {
        do { _ = try Roster.create(at: roster.url) } catch { throw CLI.fail("错误：\(error)", code: 1) }
        print("已建立机构库 \(roster.url.path)（仅本用户可读写）。此后 fill 与 batch 生成的申请材料都会记入；用 certpack roster import 导入已有单位。")
    }
}

struct RosterImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "导入单位、人员与证书：申请数据（YAML/JSON）、批量表（CSV、.xlsx）或 roster export 导出的工作簿。",
        discussion: "一个事务：全部导入，或（有任何问题或冲突时）全部不导入。再次导入同一单位会更新它；同一统一社会信用代码换了名称（未经变更）、同一证件号码对应两个姓名都列为冲突，不会悄悄覆盖。")
    @Argument(help: "要导入的文件") var file: String
    @OptionGroup var roster: RosterOption
    @OptionGroup var templates: TemplatesOption

    func run() throws {
        let store = try roster.open()
        let catalog = try templates.catalog()
        let read: ImportFile
        do { read = try RosterFiles.read(URL(fileURLWithPath: file), catalog: catalog) } catch { throw CLI.fail("错误：\(error)", code: 1) }
        if !read.problems.isEmpty {
            for p in read.problems { CLI.printErr(p) }
            throw CLI.fail("\(file)：\(read.problems.count) 个问题，未导入任何内容（改正后重新导入）", code: 1)
        }
        do {
            CLI.printErr("正在写入机构库（\(read.items.count) 家单位）…")
            let r = try store.importItems(read.items)
            print(
                "已导入 \(read.items.count) 家单位：新增 \(r.organisationsAdded) 家、更新 \(r.organisationsUpdated) 家；新增人员 \(r.peopleAdded) 位；证书新增 \(r.certificatesAdded) 张、更新 \(r.certificatesUpdated) 张"
            )
        } catch let c as ImportConflicts {
            for line in c.conflicts { CLI.printErr("冲突：\(line)") }
            throw CLI.fail("\(file)：\(c.conflicts.count) 处冲突，未导入任何内容", code: 1)
        } catch { throw CLI.fail("错误：\(error)", code: 2) }
    }
}

struct RosterShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "一家单位的卡片：人员与角色、证书与剩余天数、办理记录。")
    @Argument(help: "统一社会信用代码") var uscc: String
    @Flag(help: "显示完整证件号码") var full = false
    @Option(help: "text（默认）或 json") var format: ListFormat = .text
    @Option(help: "以这一天为今天（YYYY-MM-DD）") var today: String?
    @OptionGroup var roster: RosterOption

    func run() throws {
        let store = try roster.open()
        let day = try CLI.parseDate(today) ?? CLI.today()
        guard var card = try store.card(uscc: Normaliser.normalise(uscc, kind: .code)) else {
            throw CLI.fail("机构库中没有统一社会信用代码为 \(uscc) 的单位", code: 1)
        }
        if !full {
            for i in card.people.indices { card.people[i].person.idNumber = maskID(card.people[i].person.idNumber) }
            for i in card.certificates.indices { card.certificates[i].holderIDNumber = card.certificates[i].holderIDNumber.map(maskID) }
            for i in card.applications.indices { card.applications[i].yaml = maskIDNumbers(in: card.applications[i].yaml) }
        }
        let out = full ? { (s: String) in print(s) } : { (s: String) in print(maskIDNumbers(in: s)) }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            out(String(decoding: try encoder.encode(card), as: UTF8.self))
            return
        }
        let o = card.organisation
        out("\(o.name)  \(o.uscc)")
        out("  地址 \(o.address)" + (o.postcode.map { "  邮编 \($0)" } ?? "") + (o.phone.map { "  电话 \($0)" } ?? ""))
        for n in card.earlierNames { out("  曾用名 \(n.name)（至 \(n.until)）") }
        out("人员")
        for p in card.people {
            let when = p.until.map { "\(p.since) 至 \($0)" } ?? "自 \(p.since)"
            out(
                "  \(p.role.rawValue)\(p.person.title.map { "（\($0)）" } ?? "")  \(p.person.name)  \(p.person.idType.label) \(p.person.idNumber)  手机 \(p.person.mobile)\(p.person.email.map { "  \($0)" } ?? "")  \(when)"
            )
        }
        out("证书")
        if card.certificates.isEmpty { out("  （没有记录：柜台发证后用 certpack roster issued 记录）") }
        for c in card.certificates {
            let until = c.validUntil.map { "有效期至 \($0)\(c.estimated ? "（估算）" : "")" } ?? "有效期未知"
            let left = c.status == .valid ? c.daysLeft(today: day).map { "  " + RosterListing.days($0) } ?? "" : ""
            out("  \(c.status.rawValue)  \(c.shortLabel)  序列号 \(c.serial ?? "未记录")  \(c.issuedOn.map { "签发 \($0)  " } ?? "")\(until)\(left)")
        }
        out("办理记录")
        if card.applications.isEmpty { out("  （没有）") }
        for a in card.applications {
            out("  \(a.madeOn)  \(a.service.label)  \(a.state.rawValue)" + (a.packSHA256.map { "  SHA-256 \($0.prefix(16))…" } ?? ""))
        }
    }
}

struct RosterIssued: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issued", abstract: "记录柜台签发的证书（记录办结）。",
        discussion: "同类（同一持证人）的原证书记为「已续期」，该单位最近一份未办结的申请记为「已办结」。不给 --until 时，有效期按签发日期与年限估算，标为「估算」。")
    @Argument(help: "统一社会信用代码") var uscc: String
    @Option(help: "odc（机构证书）或 personal（法人证书）") var cert: String
    @Option(help: "持证人证件号码（法人证书；默认法定代表人）") var holder: String?
    @Option(help: "证书序列号") var serial: String
    @Option(help: "签发日期 YYYY-MM-DD") var on: String
    @Option(help: "证书上印的有效期截止日 YYYY-MM-DD") var until: String?
    @Option(help: "年限（无 --until 时用于估算）") var years: Int?
    @OptionGroup var roster: RosterOption

    func run() throws {
        guard
            let kind = CertKind(rawValue: cert.lowercased())
                ?? (cert.contains("机构证书") || cert.uppercased().contains("ODC") ? .odc : cert.contains("法人") || cert.contains("个人") ? .personal : nil)
        else {
            throw ValidationError("--cert 应为 odc 或 personal")
        }
        guard let issued = try CLI.parseDate(on) else { throw ValidationError("缺少 --on") }
        let store = try roster.open()
        let record = IssuedCertificate(
            uscc: Normaliser.normalise(uscc, kind: .code), kind: kind, holderIDNumber: holder.map { Normaliser.normalise($0, kind: .code) },
            serial: Normaliser.normalise(serial, kind: .code), issuedOn: issued, validUntil: try CLI.parseDate(until), years: years)
        do {
            let c = try store.recordIssued(record)
            print(
                "已记录：\(c.shortLabel) 序列号 \(c.serial ?? "")，有效期至 \(c.validUntil?.description ?? "")\(c.estimated ? "（估算：证书上印的日期请用 --until 记录）" : "")")
        } catch { throw CLI.fail("错误：\(error)", code: 1) }
    }
}

struct RosterRevoked: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoked", abstract: "记录已吊销的证书。")
    @Argument(help: "统一社会信用代码") var uscc: String
    @Option(help: "证书序列号") var serial: String
    @OptionGroup var roster: RosterOption

    func run() throws {
        let store = try roster.open()
        do { try store.recordRevoked(uscc: Normaliser.normalise(uscc, kind: .code), serial: Normaliser.normalise(serial, kind: .code)) } catch {
            throw CLI.fail("错误：\(error)", code: 1)
        }
        print("已记录：序列号 \(serial) 的证书已吊销")
    }
}

struct RosterRenew: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew", abstract: "为到期的证书生成续期申请材料（序列号取自机构库），与 batch 同一引擎：申请材料、全部打印.pdf、汇总。",
        discussion: """
            certpack roster renew --due 60 -o Output/续期     # 60 天内到期（含已过期）的全部单位
            certpack roster renew 91440300… 91440304… -o DIR  # 指定单位的全部有效证书
            发证以来法定代表人或单位名称变了的单位做成「变更」申请并单独列出，不会悄悄做成续期。
            申请数据写在 DIR/续期申请.yaml（可修改后用 certpack batch 重做）。
            """)
    @Argument(help: "统一社会信用代码（不用 --due 时）") var usccs: [String] = []
    @Option(help: "这么多天内到期（含已过期）") var due: Int?
    @Option(name: .shortAndLong, help: "输出目录") var output: String
    @Flag(help: "覆盖已有的申请材料") var force = false
    @Option(help: "并行数（默认：全部 CPU 核）") var jobs: Int?
    @Option(help: "以这一天为今天（YYYY-MM-DD）") var today: String?
    @OptionGroup var roster: RosterOption
    @OptionGroup var templates: TemplatesOption

    func validate() throws {
        if due == nil && usccs.isEmpty { throw ValidationError("请给出 --due 天数 或 统一社会信用代码") }
    }

    func run() throws {
        let store = try roster.open()
        let day = try CLI.parseDate(today) ?? CLI.today()
        let plans: [RenewalPlan]
        do { plans = try store.renewals(dueWithin: due, usccs: usccs, today: day) } catch { throw CLI.fail("错误：\(error)", code: 1) }
        let made = plans.compactMap(\.application)
        for p in plans {
            if let problem = p.problem { CLI.printErr("\(p.name) \(p.uscc)：未生成：\(problem)") }
            if p.isChange {
                CLI.printErr(
                    "注意：\(p.name) \(p.uscc) 发证以来" + p.changes.map { "\($0.item)由「\($0.from)」变为「\($0.to)」" }.joined(separator: "、")
                        + "：做成「变更」申请，不是续期（按指南须办理变更\(p.changes.contains { $0.isLegalRepresentative } ? "，新法定代表人的法人证书按新办" : "")）")
            }
            if !p.otherSerials.isEmpty {
                CLI.printErr(
                    "注意：\(p.name) 还有证书序列号 \(p.otherSerials.joined(separator: "、")) 到期；申请表只有一个「原证书序列号」，已填 \(p.application?.existingCertificate?.serial ?? "")，其余请在柜台说明"
                )
            }
        }
        guard !made.isEmpty else {
            print(due.map { "没有 \($0) 天内到期的证书" } ?? "没有可生成的续期申请")
            if plans.contains(where: { $0.problem != nil }) { throw ExitCode(1) }
            return
        }
        let changes = plans.filter(\.isChange).count
        print("续期 \(made.count - changes) 家，变更 \(changes) 家：生成申请材料…")
        // The applications, where the user can read and rerun them; then the batch command itself.
        let out = URL(fileURLWithPath: output)
        do {
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let yaml = try ApplicationYAML.encodeList(made, comment: "certpack roster renew \(day)：由机构库生成的续期（及变更）申请；certpack batch 可直接使用")
            try AtomicFile.write(Data(yaml.utf8), to: out.appendingPathComponent(Self.applicationsName))
        } catch { throw CLI.fail("错误：未生成：\(error)") }
        var arguments = [out.appendingPathComponent(Self.applicationsName).path, "-o", out.path, "--roster", roster.url.path]
        if force { arguments.append("--force") }
        if let jobs { arguments += ["--jobs", String(jobs)] }
        if let t = templates.templates { arguments += ["--templates", t] }
        let batch = try BatchCommand.parse(arguments)
        try batch.run()
        if plans.contains(where: { $0.problem != nil }) { throw ExitCode(1) }
    }

    static let applicationsName = "续期申请.yaml"
}

struct RosterCalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "写出日历文件（.ics）：每张证书到期（提前 30 天、7 天提醒）与每次预约到访。",
        discussion: "同一证书、同一申请的事件 UID 不变：再次导入日历会更新事件而不是重复添加。可导入 Outlook、Thunderbird 与手机日历。")
    @Option(name: .shortAndLong, help: "日历文件 FILE.ics") var output: String
    @Flag(help: "覆盖已有文件") var force = false
    @OptionGroup var roster: RosterOption
    @OptionGroup var templates: TemplatesOption

    func run() throws {
        let store = try roster.open()
        let url = URL(fileURLWithPath: output)
        if !force && FileManager.default.fileExists(atPath: url.path) { throw CLI.fail("\(output) 已存在，未覆盖（加 --force 覆盖）", code: 1) }
        let ics = try store.calendar(offices: try templates.catalog().offices)
        do { try AtomicFile.write(Data(ics.utf8), to: url) } catch { throw CLI.fail("错误：\(error)") }
        let events = ics.components(separatedBy: "BEGIN:VEVENT").count - 1
        print("已写出 \(output)：\(events) 个事件")
    }
}

struct RosterExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "导出为批量工作簿 .xlsx（批量模板的各列，外加证书的「备注」列；可用 roster import 导回、用 batch 生成）。")
    @Argument(help: "FILE.xlsx") var file: String
    @Flag(help: "覆盖已有文件") var force = false
    @OptionGroup var roster: RosterOption

    func run() throws {
        let url = URL(fileURLWithPath: file)
        guard url.pathExtension.lowercased() == "xlsx" else { throw ValidationError("导出文件名应以 .xlsx 结尾") }
        if !force && FileManager.default.fileExists(atPath: url.path) { throw CLI.fail("\(file) 已存在，未覆盖（加 --force 覆盖）", code: 1) }
        let store = try roster.open()
        do {
            let book = try store.exportWorkbook()
            try AtomicFile.write(try book.data(), to: url)
            try store.audit(action: "导出", detail: "导出 \(max(0, (book.sheets.first?.rows.count ?? 1) - 1)) 行到 .xlsx")
            print("已导出 \(file)（含完整证件号码：请妥善保管）")
        } catch { throw CLI.fail("错误：\(error)") }
    }
}

struct RosterBackup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "备份机构库（SQLite 在线备份：certpack serve 正在写入时也是一致的）。")
    @Argument(help: "备份文件") var file: String
    @OptionGroup var roster: RosterOption

    func run() throws {
        let store = try roster.open()
        do { try store.backup(to: URL(fileURLWithPath: file)) } catch { throw CLI.fail("错误：\(error)") }
        print("已备份到 \(file)")
    }
}

struct RosterForget: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forget", abstract: "删除一家单位（统一社会信用代码）或一位人员（证件号码）及其全部记录，并从文件中抹去。")
    @Argument(help: "统一社会信用代码 或 证件号码") var key: String
    @Flag(name: .customLong("dry-run"), help: "只列出将删除什么，不删除") var dryRun = false
    @OptionGroup var roster: RosterOption

    func run() throws {
        let store = try roster.open()
        do {
            if dryRun {
                print("将删除\(try store.forget(key, dryRun: true).description)（未删除：去掉 --dry-run 执行）")
                return
            }
            let r = try store.forget(key)
            print("已删除\(r.description)，文件已重整，删除的内容不再留在文件中")
        } catch { throw CLI.fail("错误：\(error)", code: 1) }
    }
}

/// `fill` and `batch` record each pack they make as an application when a roster exists.
struct RosterRecordOption: ParsableArguments {
    @Option(name: .long, help: "机构库文件（存在时记录生成的申请材料）") var roster: String?
    @Flag(name: .customLong("no-roster"), help: "不记入机构库") var noRoster = false

    /// Records `packs` (application, the pack's PDF); a roster that does not exist records nothing,
    /// a failure to record is said but does not undo the packs.
    func record(_ packs: [(application: Application, pdf: URL)]) {
        guard !noRoster, !packs.isEmpty else { return }
        let url = RosterLocation.resolve(explicit: roster)
        guard Roster.exists(at: url) else { return }
        do {
            let store = try Roster.open(at: url)
            let refused = try store.recordApplications(packs.map { ($0.application, try? SHA256.hex(of: $0.pdf)) })
            for (i, why) in refused.sorted(by: { $0.key < $1.key }) {
                CLI.printErr("注意：\(packs[i].application.organization.name) 未记入机构库：\(why)")
            }
            print("已记入机构库：\(packs.count - refused.count) 份申请（\(url.path)）")
        } catch { CLI.printErr("注意：未记入机构库：\(error)") }
    }
}
