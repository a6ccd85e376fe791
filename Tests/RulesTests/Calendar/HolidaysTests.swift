import Testing

@testable import Rules

// RULES.md「网厅办理: 三个工作日. Count working days with the mainland China public-holiday calendar, including the
// make-up working days (调休上班) that fall on weekends.」 Calendar: the State Council notices for 2025 and 2026.
@Suite struct Holidays {
    let cal = catalog.holidays

    @Test func covers2025And2026Only() {
        #expect(cal.coveredYears == [2025, 2026])
        #expect(cal.kind(of: date("2027-01-04")) == .notCovered)
        #expect(cal.kind(of: date("2024-12-31")) == .notCovered)
        #expect(cal.notCoveredMessage(date("2027-01-04")) == "2027 年节假日安排尚未公布，请先电话确认")
    }
    // 2026 notice: 「国庆节:10月1日(周四)至7日(周三)放假调休,共7天。9月20日(周日)、10月10日(周六)上班。」
    @Test func nationalDay2026() {
        #expect(cal.kind(of: date("2026-10-01")) == .holiday("国庆节"))
        #expect(cal.kind(of: date("2026-10-07")) == .holiday("国庆节"))
        #expect(cal.kind(of: date("2026-10-08")) == .workday)
        #expect(cal.kind(of: date("2026-10-10")) == .makeUpWorkday("国庆节"))
        #expect(cal.kind(of: date("2026-09-20")) == .makeUpWorkday("国庆节"))
    }
    // 2026: 元旦 1/1–1/3, 1/4 上班; 春节 2/15–2/23, 2/14 2/28 上班; 劳动节 5/1–5/5, 5/9 上班; 端午 6/19–21; 中秋 9/25–27.
    @Test func others2026() {
        #expect(cal.kind(of: date("2026-01-03")) == .holiday("元旦"))
        #expect(cal.kind(of: date("2026-01-04")) == .makeUpWorkday("元旦"))
        #expect(cal.kind(of: date("2026-02-14")) == .makeUpWorkday("春节"))
        #expect(cal.kind(of: date("2026-02-23")) == .holiday("春节"))
        #expect(cal.kind(of: date("2026-02-28")) == .makeUpWorkday("春节"))
        #expect(cal.kind(of: date("2026-04-06")) == .holiday("清明节"))
        #expect(cal.kind(of: date("2026-05-09")) == .makeUpWorkday("劳动节"))
        #expect(cal.kind(of: date("2026-06-19")) == .holiday("端午节"))
        #expect(cal.kind(of: date("2026-09-25")) == .holiday("中秋节"))
    }
    // 2025 notice (国办发明电〔2024〕12号): 春节 1/28–2/4, 1/26 (周日) 2/8 (周六) 上班; 劳动节 5/1–5/5, 4/27 上班;
    // 国庆节、中秋节 10/1–10/8, 9/28 (周日) 10/11 (周六) 上班.
    @Test func year2025() {
        #expect(cal.kind(of: date("2025-01-01")) == .holiday("元旦"))
        #expect(cal.kind(of: date("2025-01-26")) == .makeUpWorkday("春节"))
        #expect(cal.kind(of: date("2025-02-04")) == .holiday("春节"))
        #expect(cal.kind(of: date("2025-02-08")) == .makeUpWorkday("春节"))
        #expect(cal.kind(of: date("2025-04-27")) == .makeUpWorkday("劳动节"))
        #expect(cal.kind(of: date("2025-06-02")) == .holiday("端午节"))
        #expect(cal.kind(of: date("2025-10-08")) == .holiday("国庆节、中秋节"))
        #expect(cal.kind(of: date("2025-10-11")) == .makeUpWorkday("国庆节、中秋节"))
        #expect(cal.kind(of: date("2025-10-12")) == .weekend)
    }
    @Test func workingDayCounting() {
        // Ordinary week: Thu → Fri, Mon, Tue.
        #expect(cal.workingDay(3, after: date("2026-12-03")) == date("2026-12-08"))
        // Across 国庆 2026: 9/30 → 10/8, 10/9, 10/10 (调休上班 Saturday).
        #expect(cal.workingDay(3, after: date("2026-09-30")) == date("2026-10-10"))
        // Across 国庆 2025: 9/30 → 10/9, 10/10, 10/11 (调休上班 Saturday).
        #expect(cal.workingDay(3, after: date("2025-09-30")) == date("2025-10-11"))
        // Into an uncovered year: not guessed.
        #expect(cal.workingDay(3, after: date("2026-12-30")) == nil)
    }
}
