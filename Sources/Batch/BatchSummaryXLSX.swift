import Forms
import Foundation
import Input

extension BatchSummary {
    /// 汇总.xlsx: the same table and totals as 汇总.csv, the 统一社会信用代码 column as text (an
    /// 18-character code stays whole), fees as numbers; the visits per office and day on a second sheet.
    public var xlsx: XLSXWorkbook {
        typealias V = XLSXWorkbook.Value
        var rows: [[V?]] = [Self.headers.map { .text($0) }]
        for l in lines {
            let fee: V? = Int(l.fee).map { .number(Double($0)) } ?? (l.fee.isEmpty ? nil : .text(l.fee))
            rows.append(
                [
                    .number(Double(l.line)), .text(l.name), .text(l.uscc), .text(l.service), .text(l.certificates), fee,
                    .text(l.office), .text(l.date), .text(l.status), .text(l.problems),
                ].map { v in
                    if case let .text(t)? = v, t.isEmpty { return nil }
                    return v
                })
        }
        rows.append([
            nil, .text("合计"), nil, nil, nil, .number(Double(feeTotal)), nil, nil,
            .text("已生成 \(written)，未生成 \(failed)"), .text("Ukey \(ukeys) 个"),
        ])
        var table = XLSXWorkbook.Sheet(name: "汇总", rows: rows)
        table.boldRows = [1, rows.count]
        table.frozenRows = 1
        table.textColumns = [2]
        table.widths = [Self.headers.count - 1: 60]
        table.wrapColumns = [Self.headers.count - 1]

        var visitRows: [[V?]] = [[.text("受理点"), .text("日期"), .text("单位数")]]
        for v in visits { visitRows.append([.text(v.office), .text(v.date), .number(Double(v.count))]) }
        var visitSheet = XLSXWorkbook.Sheet(name: "到访安排", rows: visitRows)
        visitSheet.boldRows = [1]
        visitSheet.frozenRows = 1
        return XLSXWorkbook(sheets: [table, visitSheet])
    }
}
