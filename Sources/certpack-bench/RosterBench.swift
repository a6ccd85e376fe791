// The roster at Shenzhen's scale: 20 000 organisations, 60 000 certificates (`certpack-bench roster`).
import Foundation
import Input
import Roster
import Rules

/// A roster workbook as `roster export` writes it: each organisation on two rows (its legal
/// representative and a second holder), an ODC and two 法人证书 — 3 certificates an organisation.
/// The first `due` organisations' ODCs expire within 10 days of `today`, the rest later in the year.
func rosterWorkbook(organisations count: Int, due: Int, today: CivilDate) -> XLSXWorkbook {
    let headers = BatchSchema.columns.map(\.header) + RosterColumns.all
    let col = Dictionary(uniqueKeysWithValues: headers.enumerated().map { ($1, $0) })
    func id(_ n: Int, year: Int) -> String {
        // An odd sequence number never ends in 000 (which the checks take for an Excel-rounded ID);
        // the month and year of birth tell apart the numbers that share one.
        let k = n / 500
        let id17 = String(format: "440305%04d%02d%02d%03d", year + k / 12, k % 12 + 1, n % 28 + 1, n % 500 * 2 + 1)
        return id17 + String(CheckDigits.residentIDCheckDigit(id17)!)
    }
    var rows: [[XLSXWorkbook.Value?]] = [headers.map { .text($0) }]
    for n in 1...count {
        let code17 = String(format: "91440300MA5%06d", n)
        let uscc = code17 + String(CheckDigits.usccCheckCharacter(code17)!)
        let odcUntil = today.adding(days: n <= due ? n % 10 : 11 + n % 340)
        let personalUntil = today.adding(days: 400 + n % 700)
        var first = [XLSXWorkbook.Value?](repeating: nil, count: headers.count)
        func set(_ r: inout [XLSXWorkbook.Value?], _ h: String, _ v: String) { r[col[h]!] = .text(v) }
        set(&first, "单位名称", "深圳市南山区第\(n)号康宁诊所有限公司")
        set(&first, "统一社会信用代码", uscc)
        set(&first, "单位地址", "深圳市南山区科技路\(n)号康宁大厦\(n % 30 + 1)楼")
        set(&first, "法定代表人姓名", "陈志\(n)")
        set(&first, "法定代表人证件号码", id(n, year: 1960))
        set(&first, "法定代表人手机", String(format: "138%08d", n))
        set(&first, "经办人姓名", "李俊\(n)")
        set(&first, "经办人证件号码", id(n, year: 1980))
        set(&first, "经办人手机", String(format: "139%08d", n))
        set(&first, "业务类型", "续期")
        set(&first, "原证书序列号", String(format: "SZCA%08d", n))
        set(&first, "机构证书年限", "1")
        set(&first, "法人证书年限", "2")
        set(&first, RosterColumns.odcSerial, String(format: "SZCA%08d", n))
        set(&first, RosterColumns.odcUntil, odcUntil.description)
        set(&first, "持证人姓名", "陈志\(n)")
        set(&first, "持证人证件号码", id(n, year: 1960))
        set(&first, "持证人手机", String(format: "138%08d", n))
        set(&first, RosterColumns.holderSerial, String(format: "SZCP%08d", n))
        set(&first, RosterColumns.holderYears, "2")
        set(&first, RosterColumns.holderUntil, personalUntil.description)
        var second = [XLSXWorkbook.Value?](repeating: nil, count: headers.count)
        set(&second, "统一社会信用代码", uscc)
        set(&second, "持证人姓名", "王敏\(n)")
        set(&second, "持证人证件号码", id(n, year: 1970))
        set(&second, "持证人手机", String(format: "137%08d", n))
        set(&second, "持证人职务", "主任")
        set(&second, RosterColumns.holderSerial, String(format: "SZCQ%08d", n))
        set(&second, RosterColumns.holderYears, "2")
        set(&second, RosterColumns.holderIssued, today.adding(days: -300).description)
        rows += [first, second]
    }
    var sheet = XLSXWorkbook.Sheet(name: "批量", rows: rows)
    sheet.textColumns = Set(0..<headers.count)
    return XLSXWorkbook(sheets: [sheet])
}

/// Import from .xlsx, `list --due 60` and `renew` of `due` organisations, each as a whole `certpack` process.
func rosterBench(organisations: Int, due: Int) throws {
    // `certpack-bench roster N DUE FOLDER` keeps its workbook and roster in FOLDER, to look at them.
    let kept = arguments[safe: 4].map { URL(fileURLWithPath: $0) }
    let folder = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("certpack-roster-bench-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { if kept == nil { try? FileManager.default.removeItem(at: folder) } }
    let certpack = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    let today = CivilDate(year: 2026, month: 12, day: 1)!
    let xlsx = folder.appendingPathComponent("机构库.xlsx")
    let book = try rosterWorkbook(organisations: organisations, due: due, today: today).data()
    try book.write(to: xlsx)
    let db = folder.appendingPathComponent("roster.sqlite").path
    _ = runChild(certpack, ["roster", "init", "--roster", db])

    var start = now()
    let imported = runChild(certpack, ["roster", "import", xlsx.path, "--roster", db])
    let importSeconds = now() - start
    guard imported.status == 0 else {
        print("  import failed (\(imported.status)): \(imported.stderr.prefix(600))")
        return
    }
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
    print(
        String(
            format:
                "  import %d organisations / %d certificates from .xlsx (%.1f MB, %d rows): %.2f s (target ≤ 10 s), peak memory %.0f MB; roster file %.1f MB",
            organisations, organisations * 3, Double(book.count) / 1e6, organisations * 2, importSeconds,
            Double(usage.ru_maxrss) / 1024, Double(size) / 1e6))

    var times: [Double] = []
    var lines = 0
    for _ in 0..<7 {
        start = now()
        let r = runChild(certpack, ["roster", "list", "--due", "60", "--today", today.description, "--roster", db])
        times.append(now() - start)
        lines = r.output.split(separator: "\n").count - 1
    }
    times.sort()
    print(
        String(
            format: "  list --due 60 (whole process, %d certificates listed): median %.0f ms, best %.0f ms (target ≤ 100 ms)",
            lines, times[times.count / 2] * 1000, times[0] * 1000))
    start = now()
    let search = runChild(certpack, ["roster", "list", "--search", "第12345号", "--roster", db])
    print(
        String(format: "  list --search (whole process): %.0f ms, %d found", (now() - start) * 1000, search.output.split(separator: "\n").count - 1))

    let out = folder.appendingPathComponent("renew")
    start = now()
    let renewed = runChild(
        certpack, ["roster", "renew", "--due", "10", "--today", today.description, "-o", out.path, "--roster", db, "--jobs", "2"],
        environment: ["CERTPACK_DEBUG_CPU": "1"])
    let renewSeconds = now() - start
    guard renewed.status == 0 else {
        print("  renew failed (\(renewed.status)): \(renewed.stderr.prefix(600))")
        return
    }
    let packs = (try? FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix("9144") }.count) ?? 0
    print(
        String(
            format: "  renew --due 10: %d 续期 packs (+ 全部打印.pdf, 汇总) in %.2f s: %.1f packs/s, 2 jobs (compare batch-1000)",
            packs, renewSeconds, Double(packs) / renewSeconds))
}
