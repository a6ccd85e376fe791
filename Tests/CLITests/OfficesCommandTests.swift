import Foundation
import Testing

/// `certpack offices` on a 调休上班 Saturday: 「2.龙岗行政服务大厅受理点 … 周六日及法定节假日休息」 and
/// 「3.龙岗受理点 … 周六日及法定节假日休息」 — whether they follow the 调休 the guide does not say.
@Suite struct OfficesCommandTests {
    @Test func makeUpSaturdayIsUncertainAtTheLonggangOfficesAndACertainOfficeIsProposed() throws {
        let r = try run(certpack, ["offices", "--date", "2026-10-10"])
        #expect(r.status == 0, "\(r.err)")
        let blocks = r.out.components(separatedBy: "\n\n")
        let kejiyuan = try #require(blocks.first { $0.hasPrefix("科技园文化广场") })
        #expect(kejiyuan.contains("开放") && kejiyuan.contains("可办理机构证书（ODC）"))
        for name in ["龙岗行政服务大厅受理点", "龙岗受理点"] {
            let b = try #require(blocks.first { $0.hasPrefix(name + "\n") })
            #expect(b.contains("2026-10-10：未确定：调休上班日，指南写周六日休息，请先电话确认"), "\(b)")
            #expect(!b.contains("开放 "), "\(b)")
            #expect(b.contains("建议：2026-10-10（周六）09:00 起到科技园文化广场"), "\(b)")
        }
        // An ordinary working day: all three open, no doubt.
        let weekday = try run(certpack, ["offices", "--date", "2026-10-12"])
        #expect(!weekday.out.contains("未确定") && weekday.out.components(separatedBy: "可办理机构证书（ODC）").count == 4)
    }
}
