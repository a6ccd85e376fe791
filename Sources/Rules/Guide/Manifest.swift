/// The manifest of the pack's cover sheet (递交材料清单): what goes into the envelope, grouped.
public struct Manifest: Sendable, Equatable {
    /// Generated forms, with copies, signer and seal.
    public var forms: [ChecklistItem]
    /// Photocopies, with count, 正反两面 note and seal.
    public var photocopies: [ChecklistItem]
    /// Originals shown at the counter (not handed in).
    public var originals: [ChecklistItem]
    /// Ukeys to bring.
    public var ukeys: [ChecklistItem]
    /// Things to obtain separately (服务协议).
    public var obtain: [ChecklistItem]
    /// How to pay.
    public var payment: [ChecklistItem]

    public init(documents: [ChecklistItem]) {
        func of(_ k: ItemKind) -> [ChecklistItem] { documents.filter { $0.kind == k } }
        forms = of(.form)
        photocopies = of(.photocopy)
        originals = of(.original)
        ukeys = of(.ukey)
        obtain = of(.obtain)
        payment = of(.payment)
    }

    /// The items to stamp with the 单位公章 (注1).
    public var stamped: [ChecklistItem] { (forms + obtain + photocopies).filter(\.stamp) }
}
