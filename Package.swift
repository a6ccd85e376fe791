// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CertPack",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "certpack", targets: ["certpack"]),
        .library(name: "Rules", targets: ["Rules"]),
        .library(name: "Typeset", targets: ["Typeset"]),
        .library(name: "Forms", targets: ["Forms"]),
        .library(name: "Input", targets: ["Input"]),
        .library(name: "Batch", targets: ["Batch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        // C APIs only. cairo-ft brings -lcairo -lfreetype and the freetype2 include path.
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "cairo-ft cairo-pdf cairo-png",
            providers: [.apt(["libcairo2-dev"])]
        ),
        .systemLibrary(
            name: "CHarfBuzz",
            pkgConfig: "harfbuzz harfbuzz-subset",
            providers: [.apt(["libharfbuzz-dev"])]
        ),
        // zlib (the system's, as cairo uses; ZIPFoundation's CZlib module is its own), for the streams of 全部打印.pdf that CertPack writes itself (PrintAllPart).
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libjpeg-turbo's TurboJPEG API: the copy pages' JPEGs, decoded and encoded.
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // The guide as data: model, validators, checklist, manifest, fees, planner. No C.
        .target(name: "Rules", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Input formats: CSV as spreadsheets write it, text encodings, .xlsx workbooks (read and
        // written through ZIPFoundation and FoundationXML), batch rows → applications.
        .target(name: "Input", dependencies: ["Rules", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Writing files safely: private temporaries renamed into place, no symlinks, one run per folder.
        .target(name: "FileOutput"),
        // Chinese typesetting: fonts, shaping, line breaking, fitting, Cairo surfaces.
        .target(name: "Typeset", dependencies: ["CCairo", "CHarfBuzz", "FileOutput"]),
        // PDFs at the level of objects: 全部打印.pdf's parts (PrintAllPart) and joining them.
        .target(name: "PDF", dependencies: ["Typeset", "FileOutput", "CSystemZlib"]),
        // Pictures for the copy pages, as untrusted input: JPEG (TurboJPEG) and PNG (cairo) read with
        // limits, EXIF orientation, the perspective warp, JPEG written without metadata.
        .target(name: "Images", dependencies: ["Rules", "Typeset", "CTurboJPEG", "CCairo"]),
        // The roster (机构库): organisations, people, certificates, applications in one SQLite file
        // through GRDB. Rules knows nothing of SQL; everything SQL lives here.
        .target(
            name: "Roster",
            dependencies: ["Rules", "Input", "FileOutput", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Yams", package: "Yams")]),
        // Form templates bound to applications, laid out through Typeset; packs.
        .target(name: "Forms", dependencies: ["Rules", "Typeset", "FileOutput", "Images", .product(name: "Yams", package: "Yams")]),
        // The batch engine: coordinator, worker processes, summaries, the one finishing step.
        .target(name: "Batch", dependencies: ["Rules", "Input", "Forms", "Typeset", "PDF", "FileOutput"]),
        // certpack serve: the web page — routes, jobs, HTML from Templates/web/.
        .target(
            name: "Web",
            dependencies: [
                "Rules", "Input", "Forms", "Typeset", "Batch", "FileOutput", "Roster",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "certpack",
            dependencies: [
                "Rules", "Input", "Forms", "Typeset", "Batch", "FileOutput", "Web", "Roster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "certpack-bench", dependencies: ["Rules", "Input", "Forms", "Typeset", "PDF", "Images", "Roster"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules"]),
        .testTarget(
            name: "InputTests", dependencies: ["Input", "Rules", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Fixtures"]),
        .testTarget(name: "TypesetTests", dependencies: ["Typeset"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "Typeset", "CTurboJPEG", "CCairo"]),
        .testTarget(name: "FormsTests", dependencies: ["Forms", "Rules", "Typeset", "Images", "FileOutput"]),
        .testTarget(name: "FileOutputTests", dependencies: ["FileOutput"]),
        .testTarget(name: "PDFTests", dependencies: ["PDF", "Forms", "Rules", "Typeset", "Images"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "Forms", "Input", "Rules", "certpack", "CLITestSupport"]),
        // The helpers CLITests and BatchTests share (running `certpack` as a user would); tests only.
        .target(name: "CLITestSupport", dependencies: ["Input", "Rules"], path: "Tests/CLITestSupport"),
        .testTarget(name: "CLITests", dependencies: ["certpack", "CLITestSupport"]),
        .testTarget(name: "RosterTests", dependencies: ["Roster", "Rules", "Input"]),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Rules", "Roster",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
    ]
)
