import Foundation
import Yams

/// A catalog or holiday file that cannot be used: names the file and what is wrong.
public struct CatalogError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): 目录文件有误：\(message)" }
}

extension Catalog {
    /// Loads `catalog.yaml` and `holidays.yaml` from the templates directory, and checks that they
    /// hang together (every service, kind, document and office complete and consistent).
    public static func load(templates: URL) throws -> Catalog {
        let catalogURL = templates.appendingPathComponent("catalog.yaml")
        let holidaysURL = templates.appendingPathComponent("holidays.yaml")
        let holidays = try HolidayCalendar.load(text: read(holidaysURL), file: holidaysURL.path)
        return try CatalogLoader.decode(read(catalogURL), file: catalogURL.path, holidays: holidays)
    }

    private static func read(_ url: URL) throws -> String {
        do { return try InputFile.readText(url, limit: InputFile.templateLimit) } catch let e as InputFile.Refusal {
            throw CatalogError(file: url.path, message: e.reason)
        } catch {
            throw CatalogError(file: url.path, message: "无法读取（\(error.localizedDescription)）")
        }
    }
}

/// Decodes and checks the catalog text.
public enum CatalogLoader {
    public static func decode(_ text: String, file: String, holidays: HolidayCalendar) throws -> Catalog {
        let raw: RawCatalog
        do { raw = try YAMLDecoder().decode(RawCatalog.self, from: text) } catch {
            throw CatalogError(file: file, message: describe(error))
        }
        func fail(_ m: String) -> CatalogError { CatalogError(file: file, message: m) }

        var kinds: [CertKind: CertKindRule] = [:]
        for kind in CertKind.allCases {
            guard let r = raw.certKinds[kind.rawValue] else { throw fail("certKinds 缺少 \(kind.rawValue)") }
            guard r.minYears >= 1, r.minYears <= r.maxYears else { throw fail("certKinds.\(kind.rawValue): 年限范围 \(r.minYears)-\(r.maxYears) 无效") }
            kinds[kind] = r
        }
        for (id, d) in raw.documents {
            guard d.count >= 1 else { throw fail("documents.\(id).count 须 ≥ 1") }
            if d.kind == .form, d.form == nil { throw fail("documents.\(id): kind 为 form 时须写明 form") }
            if let p = d.person, !["legalRepresentative", "handler"].contains(p) {
                throw fail("documents.\(id).person: 未知「\(p)」，应为 legalRepresentative 或 handler")
            }
        }
        func checkDocs(_ ids: [String], at path: String) throws {
            for id in ids where raw.documents[id] == nil { throw fail("\(path): 未定义的资料「\(id)」") }
        }
        try checkDocs(raw.notes.originals.documents, at: "notes.originals.documents")
        try checkDocs(raw.notes.shared.documents, at: "notes.shared.documents")

        var services: [Service: ServiceRule] = [:]
        for service in Service.allCases {
            let path = "services.\(service.rawValue)"
            guard let r = raw.services[service.rawValue] else { throw fail("缺少业务 \(path)") }
            var ks: [CertKind: KindRule] = [:]
            for (key, k) in r.kinds {
                guard let kind = CertKind(rawValue: key) else { throw fail("\(path).kinds: 未知证书类型「\(key)」") }
                try checkDocs(k.documents, at: "\(path).kinds.\(key).documents")
                if r.published, k.fee == nil { throw fail("\(path).kinds.\(key): 缺少 fee（已公布的业务须有收费标准）") }
                if let f = k.fee, f.amount < 0 { throw fail("\(path).kinds.\(key).fee.amount 不能为负") }
                ks[kind] = k
            }
            for kind in CertKind.allCases where ks[kind] == nil { throw fail("\(path).kinds 缺少 \(kind.rawValue)") }
            var chs: [Channel: ServiceChannelRule] = [:]
            for (key, c) in r.channels {
                guard let ch = Channel(rawValue: key) else { throw fail("\(path).channels: 未知办理途径「\(key)」") }
                if let d = c.documents { try checkDocs(d, at: "\(path).channels.\(key).documents") }
                guard !c.kinds.isEmpty else { throw fail("\(path).channels.\(key).kinds 不能为空") }
                chs[ch] = c
            }
            guard !chs.isEmpty else { throw fail("\(path).channels 不能为空") }
            if !r.published, r.unpublishedWarning == nil { throw fail("\(path): 未公布的业务须有 unpublishedWarning") }
            var lrc: LegalRepresentativeChangeRule?
            if let l = r.legalRepresentativeChange {
                guard let s = Service(rawValue: l.personal) else { throw fail("\(path).legalRepresentativeChange.personal: 未知业务「\(l.personal)」") }
                lrc = LegalRepresentativeChangeRule(personal: s, guide: l.guide, formerUkey: l.formerUkey)
            }
            services[service] = ServiceRule(
                label: r.label, guide: r.guide, published: r.published,
                unpublishedWarning: r.unpublishedWarning, kinds: ks,
                legalRepresentativeChange: lrc, channels: chs, processing: r.processing)
        }
        var channels: [Channel: ChannelInfo] = [:]
        for ch in Channel.allCases {
            guard let c = raw.channels[ch.rawValue] else { throw fail("channels 缺少 \(ch.rawValue)") }
            channels[ch] = c
        }
        guard !raw.offices.isEmpty else { throw fail("offices 不能为空") }
        var offices: [Office] = []
        for (i, o) in raw.offices.enumerated() {
            let path = "offices[\(i)]（\(o.name)）"
            guard !o.days.isEmpty, o.days.allSatisfy({ (1...7).contains($0) }) else { throw fail("\(path).days 须为 1–7 的星期数") }
            var sessions: [Session] = []
            for s in o.sessions {
                guard let a = ClockTime(s.open), let b = ClockTime(s.close), a < b else {
                    throw fail("\(path).sessions: 时间段 \(s.open)-\(s.close) 无效，应为 HH:MM 且开始早于结束")
                }
                if let last = sessions.last, a < last.close { throw fail("\(path).sessions: 时间段须按顺序且不重叠") }
                sessions.append(Session(open: a, close: b))
            }
            guard !sessions.isEmpty else { throw fail("\(path).sessions 不能为空") }
            if offices.contains(where: { $0.id == o.id }) { throw fail("\(path): 重复的 id「\(o.id)」") }
            offices.append(
                Office(
                    id: o.id, name: o.name, aliases: o.aliases ?? [], address: o.address,
                    days: Set(o.days), sessions: sessions, closedOnHolidays: o.closedOnHolidays, hours: o.hours))
        }
        return Catalog(
            version: raw.version, project: raw.project, issuer: raw.issuer, process: raw.process,
            certKinds: kinds, notes: raw.notes, documents: raw.documents, twoSidedNote: raw.twoSidedNote,
            services: services, channels: channels, payment: raw.payment, offices: offices, holidays: holidays)
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DecodingError {
            switch e {
            case let .keyNotFound(key, ctx):
                return "\(path(ctx.codingPath + [key])): 缺少必填项"
            case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx):
                return "\(path(ctx.codingPath)): 类型不符（\(ctx.debugDescription)）"
            case let .dataCorrupted(ctx):
                if let y = ctx.underlyingError as? YamlError { return "YAML 语法错误：\(y)" }
                return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
            @unknown default: return "\(e)"
            }
        }
        return "\(error)"
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var s = ""
        for k in keys {
            if let i = k.intValue { s += "[\(i)]" } else { s += s.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        return s.isEmpty ? "(根)" : s
    }
}

extension HolidayCalendar {
    /// Decodes `holidays.yaml`; checks each date lies in its year and make-up days are weekends.
    public static func load(text: String, file: String) throws -> HolidayCalendar {
        struct RawPeriod: Decodable {
            var name: String
            var from: CivilDate
            var to: CivilDate
        }
        struct RawMakeUp: Decodable {
            var date: CivilDate
            var `for`: String
        }
        struct RawYear: Decodable {
            var source: String
            var holidays: [RawPeriod]
            var makeUpWorkdays: [RawMakeUp]
        }
        struct Raw: Decodable { var years: [Int: RawYear] }
        let raw: Raw
        do { raw = try YAMLDecoder().decode(Raw.self, from: text) } catch {
            throw CatalogError(file: file, message: CatalogLoader.describe(error))
        }
        var years: [Int: Year] = [:]
        for (y, r) in raw.years {
            for p in r.holidays {
                guard p.from.year == y, p.to.year == y, p.from <= p.to else {
                    throw CatalogError(file: file, message: "years.\(y): 假期「\(p.name)」\(p.from)–\(p.to) 不在 \(y) 年内或起止颠倒")
                }
            }
            for m in r.makeUpWorkdays {
                guard m.date.year == y, m.date.isWeekend else {
                    throw CatalogError(file: file, message: "years.\(y): 调休上班日 \(m.date) 须为该年的周六或周日")
                }
            }
            years[y] = Year(
                year: y, source: r.source,
                holidays: r.holidays.map { HolidayPeriod(name: $0.name, from: $0.from, to: $0.to) },
                makeUpWorkdays: r.makeUpWorkdays.map { MakeUpWorkday(date: $0.date, holiday: $0.for) })
        }
        guard !years.isEmpty else { throw CatalogError(file: file, message: "years 不能为空") }
        return HolidayCalendar(years: years)
    }
}

// The YAML shape of catalog.yaml (string keys; converted and checked above).
struct RawCatalog: Decodable {
    typealias Kind = KindRule
    struct LRC: Decodable {
        var personal: String
        var guide: String
        var formerUkey: String
    }
    struct Service: Decodable {
        var label: String
        var guide: String?
        var published: Bool
        var unpublishedWarning: String?
        var kinds: [String: Kind]
        var legalRepresentativeChange: LRC?
        var channels: [String: ServiceChannelRule]
        var processing: String?
    }
    struct RawSession: Decodable {
        var open: String
        var close: String
    }
    struct RawOffice: Decodable {
        var id: String
        var name: String
        var aliases: [String]?
        var address: String
        var days: [Int]
        var sessions: [RawSession]
        var closedOnHolidays: Bool
        var hours: String
    }
    var version: Int
    var project: String
    var issuer: String
    var process: String
    var certKinds: [String: CertKindRule]
    var notes: GuideNotes
    var documents: [String: DocumentSpec]
    var twoSidedNote: String
    var services: [String: Service]
    var channels: [String: ChannelInfo]
    var payment: PaymentAccount
    var offices: [RawOffice]
}
