import ArgumentParser

struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "batch", abstract: "(not yet implemented)")
    func run() async throws { throw ValidationError("certpack batch is not implemented yet") }
}
