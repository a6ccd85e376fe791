/// A specimen page that exercises the engine: a sans title, a ruled four-column grid of label and
/// value cells, a value that shrinks, one that wraps, a paragraph with punctuation at line edges,
/// rare names (Ext A, Ext B), mixed Latin/Han text and a row of tick boxes.
public enum Specimen {
    /// Every string the specimen writes, for checking that a reader finds each of them.
    public static let title = "排版样张 · 单位数字证书申请表"
    public static let rows: [(String, String, String, String)] = [
        ("单位名称", "深圳市南山区康宁诊所有限公司", "统一社会信用代码", "91350100M000100Y43"),
        ("法定代表人", "张堃", "证件号码", "11010519491231002X"),
        ("经办人", "李喆", "手机号码", "13800138000"),
        ("持证人", "王赟", "持证人", "刘䶮"),
        ("罕用字", "𠮷田", "混排", "ODC证书 2026年"),
        ("电子邮箱", "a.b@c.cn", "身份证号", "440301199001011234"),
    ]
    /// Long enough to shrink below the nominal size on one line.
    public static let shrinking = "深圳市南山区科技园文化广场深圳CA受理中心"
    /// Long enough that it must wrap even at the floor size.
    public static let wrapping = "深圳市南山区科兴路10号科技园文化广场深圳CA受理中心（周一至周日：9:00-12:00，13:30-18:00；法定节假日休息）、龙岗受理点"
    public static let paragraph = """
        本人张堃（居民身份证：440301199001011234）兹授权深圳市电子商务安全证书管理有限公司为办理、管理数字证书之目的，\
        收集、核验并保存本人的姓名、证件号码、手机号码及人脸识别结果。本人已知悉上述信息属于个人敏感信息，\
        同意深圳CA依照《中华人民共和国个人信息保护法》及相关法规处理，并仅用于数字证书的申请、签发、更新、吊销等业务；\
        联系邮箱a.b@c.cn，联系电话0755-86000000。本授权自签署之日起生效，至证书注销后满法定保存期限止——\
        本人确认所提供的信息真实、准确、完整……如有虚假，愿承担由此产生的一切法律责任。「特此授权」，\
        深圳医保在线签约（ODC证书与法人证书）。
        """
    public static let ticks = ["新办", "续期", "变更", "解锁", "介质补办", "吊销"]

    /// Lays the specimen out on one A4 page. `serial` varies the values so pages of a benchmark differ.
    public static func page(fonts: FontBook, serial: Int = 0) throws -> Page {
        var b = PageBuilder(fonts: fonts)
        let left = mm(20)
        let width = Size.a4.width - 2 * mm(20)
        try b.text(
            "深圳医保在线签约", in: Rect(x: left, y: 40, width: width, height: 14),
            style: TextStyle(role: .serif, size: 9, align: .center), owner: "specimen › project line")
        try b.text(
            title, in: Rect(x: left, y: 56, width: width, height: 28),
            style: TextStyle(role: .sans, size: 18, align: .center), owner: "specimen › title")

        // A ruled grid: label, value, label, value.
        let cols = [78.0, width / 2 - 78, 78.0, width / 2 - 78]
        let rowHeight = 24.0
        var y = 96.0
        let label = TextStyle(role: .serif, size: 10.5, align: .center, inset: 3)
        let value = TextStyle(role: .serif, size: 10.5, inset: 4)
        var allRows = rows
        if serial > 0 { allRows[0].1 = "深圳市南山区第\(serial)号康宁诊所有限公司" }
        allRows.append(("受理点", shrinking, "备注", wrapping))
        for (n, row) in allRows.enumerated() {
            let h = n == allRows.count - 1 ? 40.0 : rowHeight
            var x = left
            for (c, text) in [row.0, row.1, row.2, row.3].enumerated() {
                let cell = Rect(x: x, y: y, width: cols[c], height: h)
                if c % 2 == 0 { b.fill(cell, gray: 0.94) }
                b.rect(cell)
                try b.text(text, in: cell, style: c % 2 == 0 ? label : value, owner: "specimen › row \(n + 1) column \(c + 1)")
                x += cols[c]
            }
            y += h
        }

        // The paragraph, wrapped by the Chinese rules at a fixed size.
        y += 16
        let used = try b.text(
            paragraph, in: Rect(x: left, y: y, width: width, height: 200),
            style: TextStyle(role: .serif, size: 11, align: .left, vAlign: .top, leading: 1.7, shrinks: false),
            owner: "specimen › paragraph")
        y += used + 18

        // A row of tick boxes, the first ticked.
        var x = left
        let tickStyle = TextStyle(role: .serif, size: 10.5)
        for (n, word) in ticks.enumerated() {
            try b.tickBox(Rect(x: x, y: y + 2, width: 10, height: 10), ticked: n == 0, owner: "specimen › 业务类型")
            let w = try b.measure(word, style: tickStyle)
            try b.text(word, in: Rect(x: x + 13, y: y, width: w + 1, height: 14), style: tickStyle, owner: "specimen › 业务类型")
            x += 13 + w + 16
        }

        // Seal and signature boxes.
        y += 34
        let boxW = (width - 24) / 2
        for (n, caption) in ["申请单位（盖章）", "经办人签字"].enumerated() {
            let box = Rect(x: left + Double(n) * (boxW + 24), y: y, width: boxW, height: 120)
            b.rect(box)
            try b.text(caption, in: Rect(x: box.x + 6, y: box.y + 4, width: boxW - 12, height: 16), style: tickStyle, owner: "specimen › \(caption)")
        }
        return b.page
    }
}
