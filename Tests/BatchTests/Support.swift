// The helpers shared with the other command-line test target (`certpack`, `run`, `batchCSV`, …).
@_exported import CLITestSupport
