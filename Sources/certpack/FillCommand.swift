import ArgumentParser

struct FillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fill", abstract: "(not yet implemented)")
    func run() async throws { throw ValidationError("certpack fill is not implemented yet") }
}
