import FileOutput
import Foundation
import GRDB
import Rules

/// The roster as an iCalendar file (RFC 5545): an all-day event on each valid certificate's last day
/// with alarms 30 and 7 days before, and each planned visit of an application not yet finished, at
/// its office (address, hours). UIDs are stable, so importing a newer file updates the events
/// instead of adding copies. CRLF line ends, lines folded at 75 octets, text escaped.
extension Roster {
    public func calendar(offices: [Office], now: Date = Date()) throws -> String {
        let (certs, visits) = try pool.read { db in
            let certs = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.*, o.name AS orgName, h.name AS holderName FROM certificate c JOIN organisation o ON o.uscc = c.uscc
                    LEFT JOIN person h ON h.id = c.holderId WHERE c.status = '有效' AND c.validUntil IS NOT NULL ORDER BY c.validUntil, c.id
                    """
            ).map { ($0["orgName"] as String, Self.certificate($0)) }
            let visits = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, o.name AS orgName FROM application a JOIN organisation o ON o.uscc = a.uscc
                    WHERE a.state IN ('已生成', '已递交') ORDER BY a.id
                    """
            ).map { ($0["orgName"] as String, Self.application($0)) }
            return (certs, visits)
        }
        let stamp = ICalendar.utc(now)
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CertPack//机构库//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:CertPack 证书到期与办理", "X-WR-TIMEZONE:Asia/Shanghai",
        ]
        for (org, c) in certs {
            guard let until = c.validUntil else { continue }
            let key = c.serial ?? "\(c.kind.rawValue)-\(c.holderIDNumber.map { String(SHA256.hex(Data($0.utf8)).prefix(12)) } ?? "")"
            let what = "\(org) \(c.shortLabel)"
            let description =
                "\(what)有效期至 \(until.chinese)\(c.estimated ? "（估算）" : "")。序列号 \(c.serial ?? "未记录")。统一社会信用代码 \(c.uscc)。续期：certpack roster renew \(c.uscc)"
            lines += [
                "BEGIN:VEVENT", "UID:cert-\(c.uscc)-\(key)@certpack",
                "DTSTAMP:\(stamp)", "DTSTART;VALUE=DATE:\(ICalendar.date(until))", "DTEND;VALUE=DATE:\(ICalendar.date(until.adding(days: 1)))",
                "SUMMARY:" + ICalendar.text("证书到期：\(what)"), "DESCRIPTION:" + ICalendar.text(description),
                "TRANSP:TRANSPARENT",
            ]
            for days in [30, 7] {
                lines += [
                    "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P\(days)D",
                    "DESCRIPTION:" + ICalendar.text("\(days) 天后到期：\(what)"), "END:VALARM",
                ]
            }
            lines.append("END:VEVENT")
        }
        for (org, a) in visits {
            guard let app = try? ApplicationLoader.decode(a.yaml, format: .yaml, source: "机构库"), let visit = app.visit, let day = visit.date else {
                continue
            }
            let office = visit.office.flatMap { q in offices.first { $0.matches(exactly: q) } ?? offices.first { $0.name.contains(q) } }
            var event = ["BEGIN:VEVENT", "UID:visit-\(a.id)@certpack", "DTSTAMP:\(stamp)"]
            if let time = visit.time.flatMap(ClockTime.init) {
                event += [
                    "DTSTART:\(ICalendar.utc(day: day, minutes: time.minutes))", "DTEND:\(ICalendar.utc(day: day, minutes: time.minutes + 60))",
                ]
            } else {
                event += ["DTSTART;VALUE=DATE:\(ICalendar.date(day))", "DTEND;VALUE=DATE:\(ICalendar.date(day.adding(days: 1)))"]
            }
            let place = office.map { "\($0.name)，\($0.address)" } ?? visit.office ?? "受理点未定"
            event += [
                "SUMMARY:" + ICalendar.text("到深圳CA办理\(app.service.label)：\(org)"),
                "LOCATION:" + ICalendar.text(place),
                "DESCRIPTION:" + ICalendar.text("受理点：\(place)。服务时间：\(office?.hours ?? "请先电话确认")。带上申请材料.pdf 与清单中的材料。"),
                "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P1D", "DESCRIPTION:" + ICalendar.text("明天到深圳CA办理：\(org)"), "END:VALARM",
                "END:VEVENT",
            ]
            lines += event
        }
        lines.append("END:VCALENDAR")
        return lines.map(ICalendar.fold).joined(separator: "\r\n") + "\r\n"
    }
}

/// RFC 5545 details: text escaping, folding, dates.
public enum ICalendar {
    /// TEXT values: backslash, semicolon, comma and line breaks escaped (3.3.11).
    public static func text(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Folds a content line so no line is longer than 75 octets, never inside a UTF-8 character (3.1).
    public static func fold(_ line: String) -> String {
        var out = ""
        var count = 0
        for scalar in line.unicodeScalars {
            let n = String(scalar).utf8.count
            if count + n > 75 {
                out += "\r\n "
                count = 1
            }
            out.unicodeScalars.append(scalar)
            count += n
        }
        return out
    }

    static func date(_ d: CivilDate) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    static func utc(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    /// A Shenzhen wall-clock time (UTC+8, no daylight saving) in UTC.
    static func utc(day: CivilDate, minutes: Int) -> String {
        let seconds = (Double(day.dayNumber) * 86_400) + Double(minutes - 8 * 60) * 60
        return utc(Date(timeIntervalSince1970: seconds))
    }
}
